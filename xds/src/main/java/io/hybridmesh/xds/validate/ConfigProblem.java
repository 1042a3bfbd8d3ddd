package io.hybridmesh.xds.validate;

/**
 * One thing Envoy would reject, or silently break on, in a sidecar's bootstrap and the resources it is
 * served. Typed so that callers can tell a dangling reference from a field rule; the message is a sentence a
 * person can act on and names the resource, the reference and what Envoy would do.
 *
 * @param kind what is wrong
 * @param resource where: {@code listener virtualInbound, chain inbound|8080||}, {@code bootstrap}, ...
 * @param reference the name that does not resolve or is defined twice; empty when the problem names none
 * @param message the whole sentence
 */
public record ConfigProblem(Kind kind, String resource, String reference, String message) {

  public enum Kind {
    /** A gRPC access logger sends to a cluster neither the bootstrap nor CDS defines. */
    ACCESS_LOG_CLUSTER_MISSING,
    /** A route (a virtual host's, inline or served over RDS) names a cluster nobody defines. */
    ROUTE_CLUSTER_MISSING,
    /** A tcp_proxy filter forwards to a cluster nobody defines. */
    TCP_PROXY_CLUSTER_MISSING,
    /** A gRPC config source (ADS included) names a cluster that is not a static cluster of the bootstrap. */
    CONFIG_SOURCE_CLUSTER_MISSING,
    /** A config source says "over ADS" but the bootstrap configures no ADS stream. */
    ADS_NOT_CONFIGURED,
    /** An HTTP connection manager asks RDS for a route configuration that is not served. */
    ROUTE_CONFIGURATION_MISSING,
    /** An EDS cluster whose load assignment is not served: Envoy would wait for it, with no endpoints. */
    LOAD_ASSIGNMENT_MISSING,
    /** A load assignment no EDS cluster asks for. */
    LOAD_ASSIGNMENT_UNUSED,
    /** Two resources of one kind share a name, or one has none (a CDS cluster may not shadow a static one). */
    DUPLICATE_NAME,
    /** Two filter chains of one listener share a name or a match. */
    DUPLICATE_FILTER_CHAIN,
    /** Two virtual hosts of one route configuration claim the same domain. */
    DUPLICATE_DOMAIN,
    /** A port outside 1..65535. */
    PORT_OUT_OF_RANGE,
    /** A filter chain without filters, or an HTTP connection manager without HTTP filters. */
    MISSING_FILTER,
    /** A typed config this control plane never sends and cannot check, or one that does not unpack. */
    UNSUPPORTED_CONFIG,
    /** A field breaks one of the protoc-gen-validate rules Envoy checks before it accepts a message. */
    FIELD_RULE
  }

  /** The problem as it reads in a log or a report. */
  @Override
  public String toString() {
    return message;
  }

  /**
   * @param what the referrer's words before the name: "access log 'inbound-tcp' sends to"
   * @param consequence what Envoy does about it, a clause
   */
  static ConfigProblem missingCluster(Kind kind, String resource, String what, String cluster, String consequence) {
    return new ConfigProblem(kind, resource, cluster, resource + ": " + what + " cluster '" + cluster
        + "', which neither the sidecar's bootstrap (static_resources) nor the served clusters (CDS) define; "
        + consequence + ".");
  }

  static ConfigProblem of(Kind kind, String resource, String reference, String detail) {
    return new ConfigProblem(kind, resource, reference, resource + ": " + detail);
  }
}
