package io.hybridmesh.api.annotation;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pod annotation {@code hybridmesh.io/observed-ports}: what the TCP connections of a pod on the eBPF path
 * began with, by port, as its node's TC programs saw their first payload. Written by the agent on the pod's node
 * (its one writer), read by the controller, which reports it and lets a container whose TLS it cannot read keep
 * the eBPF path when none of the pod's traffic is TLS.
 *
 * <p>Text, one entry per port, direction and kind, space-separated and sorted: {@code in/8080=http
 * in/8443=tls out/5432=other}. {@code in} is a port of the pod that others connected to; {@code out} a port the
 * pod connected to elsewhere. {@code http} is a request line, a status line or the HTTP/2 preface in plaintext;
 * {@code tls} a TLS record; {@code other} anything else (a database protocol, a custom one). A port seen two
 * ways has two entries. At most {@link #MAX_ENTRIES}; past that, new ports are left out and the value ends with
 * {@code +} so a reader knows there is more than it was told. Keywords only, so no version: a kind a newer
 * build adds is refused by an older one with the reason.
 */
public record ObservedPorts(Set<Entry> entries, boolean truncated) {

  public static final int MAX_ENTRIES = 64;
  /** Longer than {@link #MAX_ENTRIES} of the longest entry ("out/65535=other ", 16 characters) and the mark. */
  public static final int MAX_LENGTH = 1100;

  public static final ObservedPorts NONE = new ObservedPorts(Set.of(), false);

  /** Which end of the connection the pod was. */
  public enum Direction {
    /** Others connected to this port of the pod. */
    IN,
    /** The pod connected to this port elsewhere. */
    OUT
  }

  /** What the connection's first payload was. */
  public enum Seen {
    HTTP,
    TLS,
    OTHER
  }

  /** One port, one direction, one kind of first payload. Sorted by direction, port, kind. */
  public record Entry(Direction direction, int port, Seen seen) implements Comparable<Entry> {

    public Entry {
      if (direction == null || seen == null || port < 1 || port > 65535) {
        throw new IllegalArgumentException("an observed port needs a direction, a kind and a port in 1..65535");
      }
    }

    @Override
    public int compareTo(Entry o) {
      int c = direction.compareTo(o.direction);
      if (c == 0) {
        c = Integer.compare(port, o.port);
      }
      return c != 0 ? c : seen.compareTo(o.seen);
    }

    String text() {
      return direction.name().toLowerCase(Locale.ROOT) + "/" + port + "=" + seen.name().toLowerCase(Locale.ROOT);
    }
  }

  public ObservedPorts {
    if (entries.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("at most " + MAX_ENTRIES + " observed ports, not " + entries.size());
    }
    entries = Collections.unmodifiableSortedSet(new TreeSet<>(entries));
  }

  /** Whether any connection began with a TLS record. */
  public boolean anyTls() {
    return entries.stream().anyMatch(e -> e.seen() == Seen.TLS);
  }

  /** Whether any connection began with plaintext HTTP. */
  public boolean anyHttp() {
    return entries.stream().anyMatch(e -> e.seen() == Seen.HTTP);
  }

  /**
   * These entries and those of {@code other}, at most {@link #MAX_ENTRIES} (the smallest kept, in order, so a
   * merge gives the same answer whichever side comes first); truncated when either was or entries were left
   * out.
   */
  public ObservedPorts union(ObservedPorts other) {
    TreeSet<Entry> all = new TreeSet<>(entries);
    all.addAll(other.entries);
    boolean cut = truncated || other.truncated || all.size() > MAX_ENTRIES;
    while (all.size() > MAX_ENTRIES) {
      all.pollLast();
    }
    return new ObservedPorts(all, cut);
  }

  /** With one more entry, unless it is there already or the set is full (then truncated). */
  public ObservedPorts with(Entry e) {
    if (entries.contains(e)) {
      return this;
    }
    if (entries.size() >= MAX_ENTRIES) {
      return truncated ? this : new ObservedPorts(entries, true);
    }
    TreeSet<Entry> more = new TreeSet<>(entries);
    more.add(e);
    return new ObservedPorts(more, truncated);
  }

  /**
   * For a person: "plaintext HTTP on 8080 (in); TLS on 443 (out), 8443 (in); something else on 5432 (out)",
   * and a note when ports were left out.
   */
  public String describe() {
    List<String> groups = new ArrayList<>();
    for (Seen kind : Seen.values()) {
      List<String> ports = entries.stream().filter(e -> e.seen() == kind)
          .map(e -> e.port() + " (" + e.direction().name().toLowerCase(Locale.ROOT) + ")").toList();
      if (!ports.isEmpty()) {
        String what = switch (kind) {
          case HTTP -> "plaintext HTTP";
          case TLS -> "TLS";
          case OTHER -> "something else";
        };
        groups.add(what + " on " + String.join(", ", ports));
      }
    }
    String text = groups.isEmpty() ? "nothing yet" : String.join("; ", groups);
    return truncated ? text + "; more ports were seen than are listed" : text;
  }

  /** The annotation value; sorted, so equal content is equal text. */
  public String toAnnotation() {
    List<String> parts = new ArrayList<>();
    entries.forEach(e -> parts.add(e.text()));
    if (truncated) {
      parts.add("+");
    }
    return String.join(" ", parts);
  }

  /** Absent or blank is {@link #NONE}; anything else must be the format, or it is refused with the reason. */
  public static Parsed<ObservedPorts> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Parsed.of(NONE);
    }
    if (raw.length() > MAX_LENGTH) {
      return Parsed.refused(Refusal.MALFORMED, "it is " + raw.length() + " characters long, over the "
          + MAX_LENGTH + " that " + MAX_ENTRIES + " ports need");
    }
    String[] parts = raw.strip().split("\\s+");
    TreeSet<Entry> entries = new TreeSet<>();
    boolean truncated = false;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.equals("+") && i == parts.length - 1) {
        truncated = true;
        continue;
      }
      Entry e = entry(p);
      if (e == null) {
        return Parsed.refused(Refusal.MALFORMED, "'" + FieldRules.shown(p) + "' is not an observed port; each is "
            + "DIRECTION/PORT=KIND with DIRECTION in or out, PORT in 1..65535 and KIND http, tls or other "
            + "(e.g. in/8080=http)");
      }
      entries.add(e);
    }
    if (entries.size() > MAX_ENTRIES) {
      return Parsed.refused(Refusal.MALFORMED, "it names " + entries.size() + " ports, over the " + MAX_ENTRIES
          + " the agent writes");
    }
    return Parsed.of(new ObservedPorts(entries, truncated));
  }

  private static Entry entry(String p) {
    int slash = p.indexOf('/');
    int eq = p.indexOf('=');
    if (slash < 0 || eq < slash) {
      return null;
    }
    Direction d = switch (p.substring(0, slash)) {
      case "in" -> Direction.IN;
      case "out" -> Direction.OUT;
      default -> null;
    };
    Seen s = switch (p.substring(eq + 1)) {
      case "http" -> Seen.HTTP;
      case "tls" -> Seen.TLS;
      case "other" -> Seen.OTHER;
      default -> null;
    };
    String digits = p.substring(slash + 1, eq);
    if (d == null || s == null || digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(
        c -> c >= '0' && c <= '9')) {
      return null;
    }
    int port = Integer.parseInt(digits);
    return port < 1 || port > 65535 ? null : new Entry(d, port, s);
  }
}
