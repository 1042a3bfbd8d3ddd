package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.net.IpAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's view of the cluster for naming flows: pods by IP and by container id, services by virtual
 * IP and port and by endpoint. Updated by the Kubernetes watch, read by the event thread (lock-free
 * lookups; each update replaces whole immutable entries). Memory follows the cluster objects the agent
 * is told about, which the shell restricts to this node's pods and the services that select them.
 */
public final class PodDirectory implements EndpointResolver {

  private final Map<String, PodInfo> pods = new ConcurrentHashMap<>();
  private final Map<String, Endpoint> endpointsByPod = new ConcurrentHashMap<>();
  private final Map<ByteBuffer, String> podByIp = new ConcurrentHashMap<>();
  private final Map<String, String> podByContainer = new ConcurrentHashMap<>();
  private final Map<Integer, String> podByEndpointId = new ConcurrentHashMap<>();
  private final Map<String, Integer> endpointIdByPod = new ConcurrentHashMap<>();
  private final Map<AddressPort, Service> serviceByAddress = new ConcurrentHashMap<>();
  private final Map<String, List<AddressPort>> serviceKeys = new ConcurrentHashMap<>();

  /** A map key without string building on the event thread. */
  private record AddressPort(ByteBuffer address, int port) {}

  /** Adds or replaces a pod. */
  public void upsertPod(PodInfo pod) {
    removePod(pod.namespace(), pod.name());
    pods.put(pod.key(), pod);
    endpointsByPod.put(pod.key(), endpoint(pod));
    pod.ips().forEach(ip -> address(ip).ifPresent(a -> podByIp.put(a, pod.key())));
    pod.containers().stream().filter(c -> c.id() != null).forEach(c -> podByContainer.put(c.id(), pod.key()));
  }

  public void removePod(String namespace, String name) {
    String key = namespace + "/" + name;
    PodInfo old = pods.remove(key);
    endpointsByPod.remove(key);
    if (old != null) {
      podByIp.values().removeIf(key::equals);
      podByContainer.values().removeIf(key::equals);
    }
  }

  /** Ties a watched network namespace (the data path's endpoint id) to a pod, for flows it observes. */
  public void bindEndpointId(int endpointId, String namespace, String name) {
    String key = namespace + "/" + name;
    podByEndpointId.put(endpointId, key);
    endpointIdByPod.put(key, endpointId);
  }

  public void unbindEndpointId(int endpointId) {
    String key = podByEndpointId.remove(endpointId);
    if (key != null) {
      endpointIdByPod.remove(key, endpointId);
    }
  }

  /** Adds or replaces a service. */
  public void upsertService(ServiceInfo s) {
    removeService(s.namespace(), s.name());
    Service svc = Service.newBuilder().setNamespace(s.namespace()).setName(s.name()).build();
    List<AddressPort> keys = new java.util.ArrayList<>();
    for (String vip : s.clusterIps()) {
      for (int port : s.ports()) {
        keys.add(serviceKey(vip, port));
      }
    }
    s.endpoints().forEach(e -> keys.add(serviceKey(e.ip(), e.port())));
    keys.stream().filter(k -> k != null).forEach(k -> serviceByAddress.put(k, svc));
    serviceKeys.put(s.namespace() + "/" + s.name(), keys);
  }

  public void removeService(String namespace, String name) {
    List<AddressPort> keys = serviceKeys.remove(namespace + "/" + name);
    if (keys != null) {
      keys.stream().filter(k -> k != null).forEach(serviceByAddress::remove);
    }
  }

  public Optional<PodInfo> podByContainerId(String containerId) {
    String key = podByContainer.get(containerId);
    return key == null ? Optional.empty() : Optional.ofNullable(pods.get(key));
  }

  public Optional<PodInfo> pod(String namespace, String name) {
    return Optional.ofNullable(pods.get(namespace + "/" + name));
  }

  public int podCount() {
    return pods.size();
  }

  @Override
  public Endpoint local(int endpointId) {
    String key = podByEndpointId.get(endpointId);
    return key == null ? null : endpointsByPod.get(key);
  }

  @Override
  public Endpoint byAddress(byte[] address) {
    String key = podByIp.get(ByteBuffer.wrap(address));
    return key == null ? null : endpointsByPod.get(key);
  }

  @Override
  public String interfaceName(int endpointId, int ifindex) {
    return null;
  }

  @Override
  public Service service(byte[] address, int port) {
    return serviceByAddress.get(new AddressPort(ByteBuffer.wrap(address), port));
  }

  /** The flow endpoint of a pod: Hubble's shape, labels as {@code k8s:key=value}, sorted. */
  static Endpoint endpoint(PodInfo pod) {
    Endpoint.Builder b = Endpoint.newBuilder().setNamespace(pod.namespace()).setPodName(pod.name());
    new TreeMap<>(pod.labels()).forEach((k, v) -> b.addLabels("k8s:" + k + "=" + v));
    b.addLabels("k8s:io.kubernetes.pod.namespace=" + pod.namespace());
    if (!pod.ownerName().isEmpty()) {
      b.addWorkloads(Workload.newBuilder().setName(pod.ownerName()).setKind(pod.ownerKind()));
    }
    if (pod.serviceAccount() != null && !pod.serviceAccount().isEmpty()) {
      b.setServiceAccount(pod.serviceAccount());
    }
    return b.build();
  }

  private static AddressPort serviceKey(String ip, int port) {
    return address(ip).map(a -> new AddressPort(a, port)).orElse(null);
  }

  /**
   * Only literal addresses (a name here would make the event thread wait for DNS), as the decoders give
   * them: an IPv4-mapped one as IPv4, so that lookups by a flow's address find it.
   */
  private static Optional<ByteBuffer> address(String ip) {
    IpAddress a = IpAddress.parseOrNull(ip);
    return a == null ? Optional.empty() : Optional.of(ByteBuffer.wrap(a.unmapped().bytes()));
  }
}
