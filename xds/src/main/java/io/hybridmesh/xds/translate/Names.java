package io.hybridmesh.xds.translate;

import io.hybridmesh.xds.model.MeshService;

/**
 * Resource and log names. Cluster names follow Istio's {@code outbound|port||host} shape so that people who
 * read Envoy's admin output or access logs recognise them; the access-log receiver also parses them back.
 */
public final class Names {

  public static final String OUTBOUND_LISTENER = "virtualOutbound";
  public static final String INBOUND_LISTENER = "virtualInbound";
  public static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  public static final String INBOUND_PASSTHROUGH_CLUSTER = "InboundPassthroughCluster";
  /** The bootstrap's static cluster of the access-log receiver. */
  public static final String ALS_CLUSTER = "hmesh-als";
  /** The bootstrap's static cluster of this xDS server. */
  public static final String XDS_CLUSTER = "xds_cluster";

  /** Log names: the first word is the direction, which the receiver reads back (see AccessLogDirection). */
  public static final String LOG_OUTBOUND_HTTP = "outbound-http";
  public static final String LOG_OUTBOUND_TCP = "outbound-tcp";
  public static final String LOG_INBOUND_HTTP = "inbound-http";
  public static final String LOG_INBOUND_TCP = "inbound-tcp";

  public static final String OUTBOUND_PREFIX = "outbound|";
  public static final String INBOUND_PREFIX = "inbound|";

  private Names() {}

  public static String outboundCluster(MeshService service, int port, String clusterDomain) {
    return OUTBOUND_PREFIX + port + "||" + service.fqdn(clusterDomain);
  }

  public static String outboundRoute(int port) {
    return OUTBOUND_PREFIX + port;
  }

  public static String inboundCluster(int port) {
    return INBOUND_PREFIX + port + "||";
  }

  public static String inboundRoute(int port) {
    return INBOUND_PREFIX + port;
  }
}
