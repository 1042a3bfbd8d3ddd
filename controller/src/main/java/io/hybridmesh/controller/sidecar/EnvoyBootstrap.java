package io.hybridmesh.controller.sidecar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's Envoy bootstrap: its node identity, a loopback admin, and ADS from the controller's xDS
 * service; listeners and clusters come over xDS. JSON (which Envoy's --config-yaml accepts), built in a
 * fixed order so the same config always gives the same text and the same template hash.
 */
public final class EnvoyBootstrap {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvoyBootstrap() {}

  /**
   * @param workload the node cluster: the xDS server groups a workload's sidecars by it
   */
  public static String json(SidecarConfig c, String workload) {
    Map<String, Object> node = map(
        // Kubernetes expands $(VAR) in args from the container's env (the downward API below).
        "id", "$(POD_NAME).$(POD_NAMESPACE)",
        "cluster", workload);
    Map<String, Object> ads = map("ads", Map.of(), "resource_api_version", "V3");
    Map<String, Object> dynamic = map(
        "ads_config", map("api_type", "GRPC", "transport_api_version", "V3",
            "grpc_services", List.of(map("envoy_grpc", map("cluster_name", "xds_cluster")))),
        "cds_config", ads,
        "lds_config", ads);
    Map<String, Object> xdsCluster = map(
        "name", "xds_cluster",
        "type", "STRICT_DNS",
        "connect_timeout", "1s",
        "typed_extension_protocol_options", map("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", map(
            "@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "explicit_http_config", map("http2_protocol_options", Map.of()))),
        "load_assignment", map("cluster_name", "xds_cluster", "endpoints", List.of(map("lb_endpoints", List.of(
            map("endpoint", map("address", socket(c.xdsHost(), c.xdsPort()))))))));
    Map<String, Object> root = map(
        "node", node,
        "admin", map("address", socket("127.0.0.1", c.adminPort())),
        "dynamic_resources", dynamic,
        "static_resources", map("clusters", List.of(xdsCluster)));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // plain maps and strings always serialise
    }
  }

  private static Map<String, Object> socket(String host, int port) {
    return map("socket_address", map("address", host, "port_value", port));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
