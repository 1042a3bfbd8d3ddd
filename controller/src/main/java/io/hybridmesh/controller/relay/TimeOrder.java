package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;

/** Times as the relay orders by them: nanoseconds since the epoch. */
final class TimeOrder {

  private TimeOrder() {}

  static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }
}
