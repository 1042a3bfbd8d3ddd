package io.hybridmesh.xds.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Sidecar streams refused, by reason; monotonic. Shared by the xDS server and the access-log receiver. */
public final class AuthCounters {

  private final Map<Refusal, LongAdder> xds = new EnumMap<>(Refusal.class);
  private final Map<Refusal, LongAdder> accessLogs = new EnumMap<>(Refusal.class);
  private final LongAdder accepted = new LongAdder();

  public AuthCounters() {
    for (Refusal r : Refusal.values()) {
      xds.put(r, new LongAdder());
      accessLogs.put(r, new LongAdder());
    }
  }

  /** Which plane a stream was on. */
  public enum Plane { XDS, ACCESS_LOG }

  void countRefused(Plane plane, Refusal reason) {
    (plane == Plane.XDS ? xds : accessLogs).get(reason).increment();
  }

  void countAccepted() {
    accepted.increment();
  }

  public long refused(Plane plane, Refusal reason) {
    return (plane == Plane.XDS ? xds : accessLogs).get(reason).sum();
  }

  public long refused(Plane plane) {
    return (plane == Plane.XDS ? xds : accessLogs).values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long refusedTotal() {
    return refused(Plane.XDS) + refused(Plane.ACCESS_LOG);
  }

  /** Streams whose caller proved to be the pod it named. */
  public long accepted() {
    return accepted.sum();
  }
}
