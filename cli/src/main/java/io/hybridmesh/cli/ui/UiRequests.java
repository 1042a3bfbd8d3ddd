package io.hybridmesh.cli.ui;

import com.google.protobuf.Timestamp;
import io.hybridmesh.cli.DurationConverter;
import io.hybridmesh.cli.FilterLine;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import picocli.CommandLine;

/**
 * What the browser may ask of {@code hmesh ui}, checked before anything reaches the Observer API: the query
 * string, the map's window and selection, the flows' filter (in {@code hmesh observe}'s syntax, through
 * {@link FilterLine}) and how many flows. Pure; every refusal is an {@link IllegalArgumentException} whose
 * message the page shows as it is.
 */
public final class UiRequests {

  /** Longest query string taken (a filter of {@link FilterLine#MAX_CHARS}, percent-encoded, fits). */
  public static final int MAX_QUERY_CHARS = 16_384;
  public static final int MAX_PARAMETERS = 64;
  /** The longest time window the map aggregates or the flows page reaches back. */
  public static final Duration MAX_WINDOW = Duration.ofHours(24);
  public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  /** Most flows one request reads back (the live stream after them is not counted). */
  public static final long MAX_FLOWS = 10_000;
  public static final long DEFAULT_FLOWS = 200;
  /** Flows per response asked of the server: the page gets them as one line each. */
  static final int BATCH = 256;

  private static final Set<String> DATA_PATHS = Set.of("EBPF", "SIDECAR", "NONE", "PENDING", "UNREPORTED");

  public record MapQuery(Duration window, ServiceMap.Selection selection) {}

  private UiRequests() {}

  /**
   * The parameters of a raw (still encoded) query string, in order; a name may repeat.
   *
   * @throws IllegalArgumentException for an oversized query, too many parameters or bad percent-encoding
   */
  public static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    if (raw.length() > MAX_QUERY_CHARS) {
      throw new IllegalArgumentException("the request is " + raw.length() + " characters long; at most "
          + MAX_QUERY_CHARS + " are taken");
    }
    String[] pairs = raw.split("&");
    if (pairs.length > MAX_PARAMETERS) {
      throw new IllegalArgumentException("the request has " + pairs.length + " parameters; at most "
          + MAX_PARAMETERS + " are taken");
    }
    for (String pair : pairs) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in the request: " + e.getMessage());
    }
  }

  /** {@code window} (5m by default), {@code namespace} and {@code dataPath}, each repeatable. */
  public static MapQuery map(Map<String, List<String>> params) {
    only(params, Set.of("window", "namespace", "dataPath"));
    Duration window = window(single(params, "window", null));
    Set<String> namespaces = new LinkedHashSet<>();
    for (String ns : params.getOrDefault("namespace", List.of())) {
      if (!ns.isBlank()) {
        namespaces.add(ns.strip());
      }
    }
    Set<String> dataPaths = new LinkedHashSet<>();
    for (String dp : params.getOrDefault("dataPath", List.of())) {
      if (dp.isBlank()) {
        continue;
      }
      String up = dp.strip().toUpperCase(Locale.ROOT);
      if (!DATA_PATHS.contains(up)) {
        throw new IllegalArgumentException("'" + dp + "' is not a data path; use ebpf, sidecar, none, pending or"
            + " unreported (a workload with no capability report)");
      }
      dataPaths.add(up);
    }
    return new MapQuery(window, new ServiceMap.Selection(Set.copyOf(namespaces), Set.copyOf(dataPaths)));
  }

  static Duration window(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_WINDOW;
    }
    Duration d;
    try {
      d = DurationConverter.parse(value);
    } catch (CommandLine.TypeConversionException e) {
      throw new IllegalArgumentException("window: " + e.getMessage());
    }
    if (d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window " + value + " is outside 1s to 24h; the map reads flows the"
          + " server still holds, and a longer window would only scan more of them");
    }
    return d;
  }

  /**
   * The flows request: {@code filter} in {@code hmesh observe}'s syntax (one command line per text line),
   * {@code follow} (true: keep streaming), {@code last} (how many stored flows first; the filter's own
   * --last, --first, --since or --until take precedence).
   */
  public static GetFlowsRequest flows(Map<String, List<String>> params, Instant now) {
    only(params, Set.of("filter", "follow", "last"));
    String text = single(params, "filter", "");
    boolean follow = bool("follow", single(params, "follow", "false"));
    long last = count(single(params, "last", Long.toString(DEFAULT_FLOWS)));
    FilterLine.Parsed parsed = FilterLine.parse(text, now);
    GetFlowsRequest r = parsed.request();
    if (follow && r.getFirst()) {
      throw new IllegalArgumentException("--first reads the oldest flows and stops; the live page follows new"
          + " ones: use --last or --since instead");
    }
    if (follow && r.hasUntil()) {
      throw new IllegalArgumentException("--until ends the flows at a time; the live page follows new ones:"
          + " pause the page instead, or read without following");
    }
    if (r.getNumber() > MAX_FLOWS) {
      throw new IllegalArgumentException("--last/--first " + r.getNumber() + " is more than the " + MAX_FLOWS
          + " flows the page reads at once; narrow the filter or the time");
    }
    if (r.hasSince() && seconds(now) - r.getSince().getSeconds() > MAX_WINDOW.toSeconds()) {
      throw new IllegalArgumentException("--since reaches back more than 24h; the page reads at most 24h of"
          + " flows");
    }
    if (r.hasSince() && r.hasUntil() && compare(r.getUntil(), r.getSince()) < 0) {
      throw new IllegalArgumentException("--until is before --since");
    }
    GetFlowsRequest.Builder b = r.toBuilder().setFollow(follow).setBatchSize(BATCH);
    if (!parsed.countGiven()) {
      // A time range without a count reads everything in it, up to the page's bound; the server sends the
      // last N of the range when number is set with since.
      b.setNumber(last);
    }
    return b.build();
  }

  private static long seconds(Instant now) {
    return now.getEpochSecond();
  }

  private static int compare(Timestamp a, Timestamp b) {
    return a.getSeconds() != b.getSeconds() ? Long.compare(a.getSeconds(), b.getSeconds())
        : Integer.compare(a.getNanos(), b.getNanos());
  }

  static long count(String value) {
    try {
      long n = Long.parseLong(value.strip());
      if (n >= 0 && n <= MAX_FLOWS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("last takes a number of flows from 0 to " + MAX_FLOWS + ", not '" + value
        + "'");
  }

  private static boolean bool(String name, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no", "" -> false;
      default -> throw new IllegalArgumentException(name + " takes true or false, not '" + value + "'");
    };
  }

  private static void only(Map<String, List<String>> params, Set<String> known) {
    for (String name : params.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown parameter '" + name + "'; this takes " + String.join(", ",
            known.stream().sorted().toList()));
      }
    }
  }

  private static String single(Map<String, List<String>> params, String name, String fallback) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " is given " + values.size() + " times; give it once");
    }
    return values.get(0);
  }

  /**
   * Whether a request's Host header names this machine's loopback, as it must when the UI listens on loopback
   * only: a web page elsewhere that makes its own name resolve to 127.0.0.1 (DNS rebinding) then still
   * cannot read the flows.
   */
  public static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.lastIndexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return name.equals("localhost") || name.matches("127(\\.\\d{1,3}){3}");
  }
}
