package io.hybridmesh.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hmesh} command: one jar, every subcommand. */
@Command(
    name = "hmesh",
    mixinStandardHelpOptions = true,
    versionProvider = Hmesh.Version.class,
    description = "Hybrid Mesh: sidecarless service-mesh observability.",
    subcommands = {AgentCommand.class, ProbeCommand.class, ObserveCommand.class, ReportCommand.class,
        DemoCommand.class, ControllerCommand.class, UiCommand.class, CleanupWaitCommand.class})
public final class Hmesh implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    System.exit(new CommandLine(new Hmesh()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Logs are one plain line each, on stderr, so that stdout carries only data. */
  static void configureLogging() {
    LogManager.getLogManager().reset();
    ConsoleHandler handler = new ConsoleHandler(); // writes to System.err
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        String level = r.getLevel() == Level.WARNING ? "warning: "
            : r.getLevel() == Level.SEVERE ? "error: " : "";
        String text = "hmesh: " + level + formatMessage(r) + System.lineSeparator();
        if (r.getThrown() != null && Boolean.getBoolean("hmesh.debug")) {
          java.io.StringWriter sw = new java.io.StringWriter();
          r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
          text += sw;
        }
        return text;
      }
    });
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    root.setLevel(Level.INFO);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"hmesh " + io.hybridmesh.agent.AgentVersion.get()};
    }
  }
}
