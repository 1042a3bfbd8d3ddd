package io.hybridmesh.agent.redact;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link Redaction} removes from HTTP records before a flow is stored or sent.
 *
 * @param secretHeaders header names (any case) whose values are replaced by {@link Redaction#MARKER};
 *     empty = headers are kept as captured
 * @param userInfo replace the {@code user:password@} part of absolute URLs by the marker
 * @param credentialParams replace the values of query, fragment and path parameters whose names mark
 *     credentials ({@code token}, {@code password}, {@code session}, ...), whatever {@code query} says
 * @param query what happens to the other query values (and a fragment, which can carry tokens too)
 */
public record RedactionOptions(Set<String> secretHeaders, boolean userInfo, boolean credentialParams,
    QueryMode query) {

  /** Headers that carry credentials or session state in practically every deployment. */
  public static final List<String> DEFAULT_SECRET_HEADERS =
      List.of("authorization", "proxy-authorization", "cookie", "set-cookie");

  /**
   * Query strings are kept by default, as Hubble keeps them, except the values of credential parameters:
   * {@code ?session=s3cr3t} in a flow is a session anyone who reads flows can take over. Secret headers
   * and user info are redacted too.
   */
  public static final RedactionOptions DEFAULT =
      new RedactionOptions(Set.copyOf(DEFAULT_SECRET_HEADERS), true, true, QueryMode.KEEP);

  /** Nothing redacted; only on an explicit request ({@code hmesh agent --no-redact}). */
  public static final RedactionOptions NONE = new RedactionOptions(Set.of(), false, false, QueryMode.KEEP);

  public RedactionOptions {
    TreeSet<String> lower = new TreeSet<>();
    for (String h : secretHeaders == null ? Set.<String>of() : secretHeaders) {
      if (h == null || h.isBlank()) {
        throw new IllegalArgumentException("a header name to redact must not be empty");
      }
      lower.add(h.trim().toLowerCase(Locale.ROOT));
    }
    secretHeaders = Set.copyOf(lower);
    if (query == null) {
      query = QueryMode.KEEP;
    }
  }

  /** True when no flow can change: the sink can pass flows through untouched. */
  public boolean isOff() {
    return secretHeaders.isEmpty() && !userInfo && !credentialParams && query == QueryMode.KEEP;
  }

  public RedactionOptions withQuery(QueryMode mode) {
    return new RedactionOptions(secretHeaders, userInfo, credentialParams, mode);
  }

  /** What is done to {@code ?query#fragment} in URLs and paths. */
  public enum QueryMode {
    /** Kept as captured (Hubble's default), but for credential values when {@code credentialParams}. */
    KEEP,
    /** Every value is replaced by the marker, keys stay ({@code ?user=HMESH_REDACTED&page=HMESH_REDACTED}). */
    VALUES,
    /** The whole query and fragment are removed (what Hubble's {@code --hubble-redact-http-urlquery} does). */
    ALL;

    /** Parses a flag value: keep, values, all (any case). */
    public static QueryMode parse(String s) {
      for (QueryMode m : values()) {
        if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("query redaction must be keep, values or all, not '" + s + "'");
    }
  }
}
