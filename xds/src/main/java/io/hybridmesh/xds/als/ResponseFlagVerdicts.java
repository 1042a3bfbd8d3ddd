package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Envoy's response flags to a verdict and drop reason. Flags where Envoy refused to forward (no route, no
 * healthy upstream, rate limited, denied) are DROPPED; flags where forwarding was tried and failed
 * (connect failure, timeout, reset) are ERROR; the rest (delay injected, cached response) leave FORWARDED.
 * When several flags are set, the first in this table decides: the refusals before the failures.
 */
final class ResponseFlagVerdicts {

  record Outcome(Verdict verdict, DropReason reason, List<String> codes) {}

  private record Flag(String code, Predicate<ResponseFlags> set, Verdict verdict, DropReason reason) {}

  static final Outcome FORWARDED = new Outcome(Verdict.FORWARDED, DropReason.DROP_REASON_UNKNOWN, List.of());

  private static final List<Flag> TABLE = List.of(
      new Flag("NR", ResponseFlags::getNoRouteFound, Verdict.DROPPED, DropReason.NO_ROUTE),
      new Flag("NC", ResponseFlags::getNoClusterFound, Verdict.DROPPED, DropReason.NO_ROUTE),
      new Flag("NFCF", ResponseFlags::getNoFilterConfigFound, Verdict.DROPPED, DropReason.NO_ROUTE),
      new Flag("UAEX", ResponseFlags::hasUnauthorizedDetails, Verdict.DROPPED, DropReason.POLICY_DENIED),
      new Flag("RL", ResponseFlags::getRateLimited, Verdict.DROPPED, DropReason.RATE_LIMITED),
      new Flag("RLSE", ResponseFlags::getRateLimitServiceError, Verdict.DROPPED, DropReason.RATE_LIMITED),
      new Flag("UH", ResponseFlags::getNoHealthyUpstream, Verdict.DROPPED, DropReason.NO_HEALTHY_UPSTREAM),
      new Flag("LH", ResponseFlags::getFailedLocalHealthcheck, Verdict.DROPPED, DropReason.NO_HEALTHY_UPSTREAM),
      new Flag("UO", ResponseFlags::getUpstreamOverflow, Verdict.DROPPED, DropReason.DROP_REASON_UNKNOWN),
      new Flag("OM", ResponseFlags::getOverloadManager, Verdict.DROPPED, DropReason.DROP_REASON_UNKNOWN),
      new Flag("IH", ResponseFlags::getInvalidEnvoyRequestHeaders, Verdict.DROPPED, DropReason.DROP_REASON_UNKNOWN),
      new Flag("FI", ResponseFlags::getFaultInjected, Verdict.DROPPED, DropReason.DROP_REASON_UNKNOWN),
      new Flag("UF", ResponseFlags::getUpstreamConnectionFailure, Verdict.ERROR, DropReason.UPSTREAM_CONNECT_FAILURE),
      new Flag("URX", ResponseFlags::getUpstreamRetryLimitExceeded, Verdict.ERROR, DropReason.UPSTREAM_CONNECT_FAILURE),
      new Flag("DF", ResponseFlags::getDnsResolutionFailure, Verdict.ERROR, DropReason.UPSTREAM_CONNECT_FAILURE),
      new Flag("UT", ResponseFlags::getUpstreamRequestTimeout, Verdict.ERROR, DropReason.UPSTREAM_TIMEOUT),
      new Flag("SI", ResponseFlags::getStreamIdleTimeout, Verdict.ERROR, DropReason.UPSTREAM_TIMEOUT),
      new Flag("DT", ResponseFlags::getDurationTimeout, Verdict.ERROR, DropReason.UPSTREAM_TIMEOUT),
      new Flag("UMSDR", ResponseFlags::getUpstreamMaxStreamDurationReached, Verdict.ERROR, DropReason.UPSTREAM_TIMEOUT),
      new Flag("UR", ResponseFlags::getUpstreamRemoteReset, Verdict.ERROR, DropReason.CONNECTION_RESET),
      new Flag("UC", ResponseFlags::getUpstreamConnectionTermination, Verdict.ERROR, DropReason.CONNECTION_RESET),
      new Flag("LR", ResponseFlags::getLocalReset, Verdict.ERROR, DropReason.CONNECTION_RESET),
      new Flag("UPE", ResponseFlags::getUpstreamProtocolError, Verdict.ERROR, DropReason.CONNECTION_RESET),
      new Flag("DC", ResponseFlags::getDownstreamConnectionTermination, Verdict.ERROR, DropReason.DOWNSTREAM_TERMINATED),
      new Flag("DRR", ResponseFlags::getDownstreamRemoteReset, Verdict.ERROR, DropReason.DOWNSTREAM_TERMINATED),
      new Flag("DPE", ResponseFlags::getDownstreamProtocolError, Verdict.ERROR, DropReason.DOWNSTREAM_TERMINATED),
      new Flag("DI", ResponseFlags::getDelayInjected, Verdict.FORWARDED, DropReason.DROP_REASON_UNKNOWN),
      new Flag("RFCF", ResponseFlags::getResponseFromCacheFilter, Verdict.FORWARDED, DropReason.DROP_REASON_UNKNOWN));

  private ResponseFlagVerdicts() {}

  static Outcome of(ResponseFlags flags) {
    // Most entries carry no flag at all: one size check instead of 28 getters.
    if (flags.getSerializedSize() == 0) {
      return FORWARDED;
    }
    List<String> codes = new ArrayList<>(2);
    Flag decisive = null;
    for (Flag flag : TABLE) {
      if (flag.set().test(flags)) {
        codes.add(flag.code());
        if (decisive == null) {
          decisive = flag;
        }
      }
    }
    if (decisive == null) {
      return FORWARDED; // only flags newer than this table: nothing we can name
    }
    return new Outcome(decisive.verdict(), decisive.reason(), List.copyOf(codes));
  }

  /** Resets show up as a RESET connection state on TCP flows. */
  static boolean isReset(ResponseFlags flags) {
    return flags.getUpstreamRemoteReset() || flags.getLocalReset() || flags.getUpstreamConnectionTermination()
        || flags.getDownstreamRemoteReset();
  }
}
