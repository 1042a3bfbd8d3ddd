package io.hybridmesh.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** One copy of the driver in the benchmark's network namespace, answering one command at a time. */
final class DriverProcess implements AutoCloseable {
  final Process process;
  final BufferedReader out;
  final PrintWriter in;
  final int pid;

  DriverProcess(String netns, String[] a) throws IOException {
    process = new ProcessBuilder("ip", "netns", "exec", netns, a[0], a[1], a[2])
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String ready = out.readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      throw new IllegalStateException("the driver did not start: " + ready);
    }
    pid = Integer.parseInt(ready.substring(6).trim());
  }

  long run(String command, int n) throws IOException {
    in.println(command + " " + n);
    String line = out.readLine();
    if (line == null || line.startsWith("error")) {
      throw new IllegalStateException("driver " + pid + " on '" + command + "': " + line);
    }
    return Long.parseLong(line.trim());
  }

  @Override
  public void close() {
    in.println("quit");
    process.destroy();
  }
}
