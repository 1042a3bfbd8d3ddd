package io.hybridmesh.xds.auth;

import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.xds.als.SidecarDirectory;
import io.hybridmesh.xds.als.SidecarIdentity;
import io.hybridmesh.xds.auth.AuthCounters.Plane;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Decides whether the caller of a sidecar stream is the pod its node id ({@code <pod>.<namespace>}) names.
 * The caller's address must be one of that pod's addresses, in the cluster's view: a pod can send from its
 * own address only, so another pod cannot speak in its name. Pods on the host network are refused, since
 * every pod of that node shares their address. Where the caller presents a service-account token, it is
 * reviewed and must belong to the pod's service account (and, for a bound token, to the pod itself);
 * {@link TokenPolicy#REQUIRED} refuses a caller without one.
 *
 * <p>Loopback callers can be trusted where the only processes on the loopback are the operator's own (the
 * demo on one host), never in a cluster.
 */
public final class SidecarAuthenticator {

  private static final Logger LOG = Logger.getLogger(SidecarAuthenticator.class.getName());
  /** Refusals logged once per reason and node id, at most this many distinct ones (then only counted). */
  private static final int MAX_LOGGED = 1024;

  /** The outcome: the pod proven, or the reason and a sentence for the caller. */
  public record Verdict(SidecarIdentity identity, Refusal refusal, String sentence) {
    public boolean accepted() {
      return refusal == null;
    }

    static Verdict accept(SidecarIdentity identity) {
      return new Verdict(identity, null, null);
    }

    static Verdict refuse(Refusal refusal, String sentence) {
      return new Verdict(null, refusal, sentence);
    }
  }

  private final SidecarDirectory directory;
  private final TokenReviewer reviewer;
  private final TokenPolicy policy;
  private final boolean trustLoopback;
  private final AuthCounters counters;
  private final Map<String, Boolean> logged = new ConcurrentHashMap<>();

  public SidecarAuthenticator(SidecarDirectory directory, TokenReviewer reviewer, TokenPolicy policy,
      boolean trustLoopback, AuthCounters counters) {
    this.directory = directory;
    this.reviewer = reviewer;
    this.policy = policy;
    this.trustLoopback = trustLoopback;
    this.counters = counters;
  }

  /** The address check alone, tokens ignored, no loopback trust: tests and tools. */
  public static SidecarAuthenticator byAddress(SidecarDirectory directory) {
    return new SidecarAuthenticator(directory, TokenReviewer.NONE, TokenPolicy.IGNORE, false, new AuthCounters());
  }

  public AuthCounters counters() {
    return counters;
  }

  public TokenPolicy policy() {
    return policy;
  }

  /**
   * Judges one stream and counts the outcome.
   *
   * @param cluster the xDS node cluster, which must be the pod's workload; null on access-log streams, whose
   *     entries are named after the pod whatever cluster they claim
   */
  public Verdict authenticate(Plane plane, String nodeId, String cluster, CallerContext.Caller caller) {
    Verdict v = judge(nodeId, cluster, caller);
    if (v.accepted()) {
      counters.countAccepted();
    } else {
      counters.countRefused(plane, v.refusal());
      if (logged.size() < MAX_LOGGED && logged.putIfAbsent(v.refusal() + " " + nodeId, Boolean.TRUE) == null) {
        LOG.warning(plane + " stream refused (" + v.refusal().label() + "): " + v.sentence());
      }
    }
    return v;
  }

  private Verdict judge(String nodeId, String cluster, CallerContext.Caller caller) {
    int dot = nodeId.lastIndexOf('.');
    if (dot <= 0 || dot == nodeId.length() - 1) {
      return Verdict.refuse(Refusal.BAD_NODE_ID, "node id '" + nodeId + "' is not <pod>.<namespace>");
    }
    String named = nodeId.substring(dot + 1) + "/" + nodeId.substring(0, dot);
    Optional<SidecarIdentity> found = directory.lookup(nodeId);
    if (found.isEmpty()) {
      return Verdict.refuse(Refusal.UNKNOWN_POD, "node id '" + nodeId + "' names no pod " + named
          + " known to the controller (gone, or newer than its view: a sidecar's retry is served once it is seen)");
    }
    SidecarIdentity pod = found.get();
    if (pod.hostNetwork()) {
      return Verdict.refuse(Refusal.HOST_NETWORK, "pod " + named + " runs on the host network, whose address "
          + "every pod of its node shares, so a stream from it cannot prove to be that pod's");
    }
    InetAddress peer = caller.peer();
    if (peer == null) {
      return Verdict.refuse(Refusal.NO_PEER_ADDRESS, "the transport gave no address for the caller claiming pod "
          + named);
    }
    IpAddress from = IpAddress.of(IpAddress.unmap(peer.getAddress()));
    if (!(trustLoopback && peer.isLoopbackAddress()) && !isOneOf(from, pod)) {
      return Verdict.refuse(Refusal.ADDRESS_MISMATCH, "the stream claiming pod " + named + " comes from " + from
          + ", which is not that pod's address " + pod.podIps());
    }
    if (cluster != null && !cluster.equals(pod.workload())) {
      return Verdict.refuse(Refusal.WRONG_WORKLOAD, "pod " + named + " belongs to workload " + pod.workload()
          + ", not '" + cluster + "': a sidecar gets its own workload's configuration only");
    }
    return checkToken(named, pod, caller.token());
  }

  private Verdict checkToken(String named, SidecarIdentity pod, String token) {
    if (policy == TokenPolicy.IGNORE) {
      return Verdict.accept(pod);
    }
    if (token == null) {
      return policy == TokenPolicy.REQUIRED
          ? Verdict.refuse(Refusal.TOKEN_MISSING, "the stream claiming pod " + named + " presented no "
              + "service-account token (audience " + TokenReviewer.AUDIENCE + "); one is required")
          : Verdict.accept(pod);
    }
    TokenReview review = reviewer.review(token);
    if (!review.authenticated()) {
      return Verdict.refuse(Refusal.TOKEN_INVALID, "the token presented for pod " + named + " was not accepted by "
          + "the cluster" + (review.error() == null ? "" : ": " + review.error()));
    }
    String expected = TokenReview.serviceAccountUser(pod.namespace(), pod.serviceAccount());
    if (!expected.equals(review.username())) {
      return Verdict.refuse(Refusal.TOKEN_WRONG_ACCOUNT, "the token presented for pod " + named + " belongs to "
          + review.username() + ", not to the pod's service account " + expected);
    }
    if (review.podName() != null && !review.podName().equals(pod.pod())) {
      return Verdict.refuse(Refusal.TOKEN_WRONG_POD, "the token presented for pod " + named
          + " was minted for pod " + review.podName());
    }
    return Verdict.accept(pod);
  }

  private static boolean isOneOf(IpAddress from, SidecarIdentity pod) {
    for (String ip : pod.podIps()) {
      IpAddress a = IpAddress.parseOrNull(ip);
      if (a != null && a.unmapped().equals(from)) {
        return true;
      }
    }
    return false;
  }
}
