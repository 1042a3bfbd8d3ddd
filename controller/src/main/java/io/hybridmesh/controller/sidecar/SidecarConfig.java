package io.hybridmesh.controller.sidecar;

/**
 * How the injected sidecar looks; every field is a flag of {@code hmesh controller}. A change here changes
 * the template hash, so the workloads that have a sidecar roll once to the new one.
 *
 * @param proxyImage Envoy (its xDS API must match the control plane's: v1.34 for java-control-plane 1.0.49)
 * @param initImage any image with {@code sh} and {@code iptables}
 * @param proxyUid Envoy runs as this uid; the capture rules let its own traffic through
 * @param xdsHost the controller's xDS Service, as the pods resolve it; the access-log receiver shares its port
 * @param cpuLimit null or empty for none; the same for memoryLimit
 * @param controlPlaneCaPem the CA the sidecar checks the controller's certificate with (TLS to xDS and the
 *     access-log receiver, server name {@code xdsHost}), or null for plaintext
 * @param tokenExchangeUri the controller's token exchange ({@code https://...}) through which the sidecar
 *     presents its pod's projected service-account token on every stream, or null: it presents none
 */
public record SidecarConfig(String proxyImage, String initImage, long proxyUid, String xdsHost, int xdsPort,
    int outboundPort, int inboundPort, int adminPort, String cpuRequest, String memoryRequest, String cpuLimit,
    String memoryLimit, String controlPlaneCaPem, String tokenExchangeUri) {

  public SidecarConfig {
    if (tokenExchangeUri != null && controlPlaneCaPem == null) {
      throw new IllegalArgumentException("a sidecar presents its token over TLS only");
    }
  }

  public static final int DEFAULT_XDS_PORT = 18000;

  /** Plaintext towards the control plane. */
  public SidecarConfig(String proxyImage, String initImage, long proxyUid, String xdsHost, int xdsPort,
      int outboundPort, int inboundPort, int adminPort, String cpuRequest, String memoryRequest, String cpuLimit,
      String memoryLimit) {
    this(proxyImage, initImage, proxyUid, xdsHost, xdsPort, outboundPort, inboundPort, adminPort, cpuRequest,
        memoryRequest, cpuLimit, memoryLimit, null, null);
  }

  /** The same sidecar, checking the controller's certificate with this CA. */
  public SidecarConfig withControlPlaneCa(String caPem) {
    return new SidecarConfig(proxyImage, initImage, proxyUid, xdsHost, xdsPort, outboundPort, inboundPort,
        adminPort, cpuRequest, memoryRequest, cpuLimit, memoryLimit, caPem, tokenExchangeUri);
  }

  /** The same sidecar, presenting its pod's token through this token exchange (TLS must be set). */
  public SidecarConfig withTokenExchange(String uri) {
    return new SidecarConfig(proxyImage, initImage, proxyUid, xdsHost, xdsPort, outboundPort, inboundPort,
        adminPort, cpuRequest, memoryRequest, cpuLimit, memoryLimit, controlPlaneCaPem, uri);
  }

  public static SidecarConfig defaults() {
    return new SidecarConfig("docker.io/envoyproxy/envoy:v1.34.1", "docker.io/istio/proxyv2:1.24.0", 1337,
        "hmesh-controller.hybrid-mesh.svc", DEFAULT_XDS_PORT, 15001, 15006, 15000, "100m", "128Mi", null, "512Mi");
  }
}
