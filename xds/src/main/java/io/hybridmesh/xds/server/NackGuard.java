package io.hybridmesh.xds.server;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Stops the NACK storm. java-control-plane's cache ignores {@code error_detail}: a NACK carries the last
 * version the sidecar accepted, which differs from the snapshot's, so the cache answers at once with the
 * very config that was just refused, and again, hundreds of times a second, until the snapshot changes.
 *
 * <p>This sits on both sides of the server. As callbacks it sees every response (nonce, version) and every
 * request; a request that NACKs the latest response of its stream is counted, reported, and marked. As the
 * server's {@link ConfigWatcher} it receives that same request next, on the same thread (the server runs
 * the callbacks, then asks for a watch), and hands the cache a copy whose version is the refused one: to
 * the cache the sidecar is then up to date, so it holds the watch open until the group's snapshot changes.
 *
 * <p>It also refuses streams whose node does not name a sidecar, and delta xDS, which would bypass it; and
 * a stream whose caller is not the pod its node id names, or whose node cluster is not that pod's workload
 * ({@link SidecarAuthenticator}): the cache hashes each request's node to a workload's snapshot, so only a
 * node proven this way gets its own workload's configuration, and no other.
 */
public final class NackGuard implements DiscoveryServerCallbacks, ConfigWatcher {

  private static final Logger LOG = Logger.getLogger(NackGuard.class.getName());

  private record Sent(String nonce, String version) {}

  private record Park(DiscoveryRequest request, String refusedVersion) {}

  /** What one stream was last sent per type, and which types it has refused since. */
  private static final class StreamState {
    final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
    final Map<String, String> refused = new ConcurrentHashMap<>();
    /** The node id and cluster this stream's caller proved, checked again if a request claims others. */
    volatile String proven;
  }

  private final ConfigWatcher cache;
  private final SidecarRejections rejections;
  private final XdsCounters counters;
  private final SidecarAuthenticator authenticator;
  private final Map<Long, StreamState> streams = new ConcurrentHashMap<>();
  /** From the request callback to the watch creation that follows it on the same thread. */
  private final ThreadLocal<Park> handoff = new ThreadLocal<>();

  public NackGuard(ConfigWatcher cache, SidecarRejections rejections, XdsCounters counters,
      SidecarAuthenticator authenticator) {
    this.authenticator = authenticator;
    this.cache = cache;
    this.rejections = rejections;
    this.counters = counters;
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new StreamState());
    counters.streamOpened();
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    if (streams.remove(streamId) != null) {
      counters.streamClosed();
    }
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    onStreamClose(streamId, typeUrl);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    handoff.remove();
    var group = SidecarGroup.of(request.getNode());
    if (group.isEmpty()) {
      counters.refusedNode();
      throw new RequestException(Status.INVALID_ARGUMENT.withDescription("node id '" + request.getNode().getId()
          + "' and cluster '" + request.getNode().getCluster() + "' do not name a sidecar: expected id "
          + "<pod>.<namespace> and cluster <workload>, on every request"));
    }
    StreamState state = streams.computeIfAbsent(streamId, id -> new StreamState());
    String claim = request.getNode().getId() + "\n" + request.getNode().getCluster();
    if (!claim.equals(state.proven)) {
      var verdict = authenticator.authenticate(AuthCounters.Plane.XDS, request.getNode().getId(),
          request.getNode().getCluster(), CallerContext.current());
      if (!verdict.accepted()) {
        throw new RequestException(verdict.refusal().status(verdict.sentence()));
      }
      state.proven = claim;
    }
    String type = request.getTypeUrl();
    Sent sent = state.lastSent.get(type);
    boolean answersLatest = sent != null && sent.nonce().equals(request.getResponseNonce());
    if (!answersLatest) {
      return; // a first request, or one about an older response: the server ignores those itself
    }
    String nodeId = request.getNode().getId();
    if (request.hasErrorDetail()) {
      counters.rejection(type);
      state.refused.put(type, sent.version());
      handoff.set(new Park(request, sent.version()));
      rejections.rejected(new SidecarRejection(nodeId, group.get(), type, sent.version(),
          request.getErrorDetail().getMessage()));
      LOG.fine(() -> nodeId + " rejected " + type + " version " + sent.version() + ": "
          + request.getErrorDetail().getMessage());
    } else if (request.getVersionInfo().equals(sent.version())) {
      if (state.refused.remove(type) != null) {
        rejections.recovered(nodeId, group.get(), type, sent.version());
      }
    } else if (sent.version().equals(state.refused.get(type))) {
      // Not an ACK (its version is not the one sent) but a changed subscription after a NACK: the refused
      // version is still the latest, and a new resource name is no reason to send it again.
      handoff.set(new Park(request, sent.version()));
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
    counters.refusedDelta();
    throw new RequestException(Status.UNIMPLEMENTED.withDescription(
        "delta xDS is not served; configure the sidecar for state-of-the-world ADS"));
  }

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    counters.response();
    StreamState state = streams.get(streamId);
    if (state != null) {
      state.lastSent.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
    }
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
    Park park = handoff.get();
    handoff.remove();
    if (park == null || park.request() != request.v3Request()) {
      return cache.createWatch(ads, request, knownResourceNames, responseConsumer, hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    counters.parked();
    XdsRequest asIfCurrent = XdsRequest.create(request.v3Request().toBuilder()
        .setVersionInfo(park.refusedVersion()).build());
    // The refused response named these resources, so they are not news to the sidecar: without this the
    // cache would answer at once for resource names it has not seen acknowledged (EDS, RDS).
    Set<String> known = new HashSet<>(knownResourceNames);
    known.addAll(request.getResourceNamesList());
    // hasClusterChanged false: the refused EDS answer already followed the last CDS answer.
    return cache.createWatch(ads, asIfCurrent, known, responseConsumer, false, allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    // Unreachable while delta requests are refused above; delegating keeps the cache's behaviour if not.
    return cache.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
        responseConsumer, hasClusterChanged);
  }
}
