package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Service;

/**
 * Names the ends of a flow. Standalone mode answers from the watched network namespaces; Kubernetes mode
 * (later) from the pod cache. Returned messages are shared and immutable.
 */
public interface EndpointResolver {

  /** The watched endpoint that observed an event, or {@code null} when the id is unknown. */
  Endpoint local(int endpointId);

  /** The endpoint that owns a raw address (4 or 16 bytes), or {@code null} when none is known. */
  Endpoint byAddress(byte[] address);

  /** The name of an interface of a watched endpoint, or {@code null}. */
  String interfaceName(int endpointId, int ifindex);

  /**
   * The service behind an address and port (a service's virtual IP, or one of its endpoints), or
   * {@code null}. Standalone mode has no services.
   */
  default Service service(byte[] address, int port) {
    return null;
  }
}
