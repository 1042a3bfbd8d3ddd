package io.hybridmesh.cli;

import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code hmesh observe}'s filter flags written as text ({@code --namespace demo --not --type l7}), for
 * {@code hmesh ui}: parsed by {@link ObserveCommand}'s own picocli model and {@link FilterFlags}, so the
 * browser and the terminal share one syntax and one parser. Only the flags that choose flows are taken
 * (filters, {@code --not}, {@code --since}, {@code --until}, {@code --last}, {@code --first}); output and
 * connection flags are refused, since the page decides those.
 *
 * <p>Several lines are alternatives: a flow is shown when any line's filters hold (their allow lists are
 * joined, as the Observer API ORs allow filters). A {@code --not} filter goes to the one deny list and so
 * hides flows for every line, as it would on one command line.
 */
public final class FilterLine {

  /** Longest filter text accepted: a person types far less; more is a mistake or an attack. */
  public static final int MAX_CHARS = 4096;
  public static final int MAX_LINES = 16;

  private static final Set<String> TIME_AND_COUNT = Set.of("--since", "--until", "--last", "--first");
  private static final Set<String> ALLOWED = Stream.concat(Stream.concat(FilterFlags.FLAGS.stream(),
      TIME_AND_COUNT.stream()), Stream.of("--not")).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * What the text asks for.
   *
   * @param request allow and deny lists, and since/until and number/first when the text gave them
   * @param countGiven whether --last or --first was given (otherwise the page chooses how many)
   * @param timeGiven whether --since or --until was given
   */
  public record Parsed(GetFlowsRequest request, boolean countGiven, boolean timeGiven) {}

  private FilterLine() {}

  /**
   * Parses filter text, one command line per text line; {@code now} anchors relative times.
   *
   * @throws IllegalArgumentException with the sentence {@code hmesh observe} would print
   */
  public static Parsed parse(String text, Instant now) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("the filter is " + text.length() + " characters long; at most "
          + MAX_CHARS + " are taken");
    }
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() > MAX_LINES) {
      throw new IllegalArgumentException("the filter has " + lines.size() + " lines; at most " + MAX_LINES
          + " are taken");
    }
    GetFlowsRequest.Builder merged = GetFlowsRequest.newBuilder();
    boolean countGiven = false;
    boolean timeGiven = false;
    for (String line : lines) {
      ObserveCommand cmd = new ObserveCommand();
      List<String> given = given(cmd, Shellwords.split(line));
      boolean count = given.contains("--last") || given.contains("--first");
      boolean time = given.contains("--since") || given.contains("--until");
      if ((count && countGiven) || (time && timeGiven)) {
        throw new IllegalArgumentException("--since, --until, --last and --first are given once, on one line");
      }
      GetFlowsRequest one = cmd.request(now);
      merged.addAllAllow(one.getAllowList()).addAllDeny(one.getDenyList());
      if (count) {
        merged.setNumber(one.getNumber()).setFirst(one.getFirst());
      }
      if (one.hasSince()) {
        merged.setSince(one.getSince());
      }
      if (one.hasUntil()) {
        merged.setUntil(one.getUntil());
      }
      countGiven |= count;
      timeGiven |= time;
    }
    return new Parsed(merged.build(), countGiven, timeGiven);
  }

  /** Runs picocli over one line's words into {@code cmd}; returns the options given (long names). */
  private static List<String> given(ObserveCommand cmd, List<String> words) {
    CommandLine cl = new CommandLine(cmd);
    ParseResult result;
    try {
      result = cl.parseArgs(words.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    List<String> names = new ArrayList<>();
    for (OptionSpec o : result.matchedOptions()) {
      String name = o.longestName();
      if (!ALLOWED.contains(name)) {
        throw new IllegalArgumentException(name + " is not a filter; the page sets it (filters are the flags of"
            + " hmesh observe that choose flows, e.g. --namespace demo --http-status 5+)");
      }
      names.add(name);
    }
    return names;
  }
}
