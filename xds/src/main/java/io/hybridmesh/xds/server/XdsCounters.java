package io.hybridmesh.xds.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the xDS side, for metrics. Monotonic except {@link #openStreams()}. */
public final class XdsCounters {

  private final LongAdder rejections = new LongAdder();
  private final Map<String, LongAdder> rejectionsByType = new ConcurrentHashMap<>();
  private final LongAdder parkedRequests = new LongAdder();
  private final LongAdder responses = new LongAdder();
  private final LongAdder refusedNodes = new LongAdder();
  private final LongAdder refusedDeltaStreams = new LongAdder();
  private final LongAdder invalidSnapshots = new LongAdder();
  private final LongAdder publishedSnapshots = new LongAdder();
  private final LongAdder openStreams = new LongAdder();

  void rejection(String typeUrl) {
    rejections.increment();
    rejectionsByType.computeIfAbsent(typeUrl, t -> new LongAdder()).increment();
  }

  void parked() {
    parkedRequests.increment();
  }

  void response() {
    responses.increment();
  }

  void refusedNode() {
    refusedNodes.increment();
  }

  void refusedDelta() {
    refusedDeltaStreams.increment();
  }

  void invalidSnapshot() {
    invalidSnapshots.increment();
  }

  void published() {
    publishedSnapshots.increment();
  }

  void streamOpened() {
    openStreams.increment();
  }

  void streamClosed() {
    openStreams.decrement();
  }

  /** NACKs of the latest response on a stream, each counted once. */
  public long rejections() {
    return rejections.sum();
  }

  public Map<String, Long> rejectionsByType() {
    Map<String, Long> out = new TreeMap<>();
    rejectionsByType.forEach((type, count) -> out.put(type, count.sum()));
    return out;
  }

  /** NACKed requests held until their group's snapshot changes, instead of answered with the same config. */
  public long parkedRequests() {
    return parkedRequests.sum();
  }

  public long responses() {
    return responses.sum();
  }

  /** Streams closed because the node id or cluster did not name a sidecar. */
  public long refusedNodes() {
    return refusedNodes.sum();
  }

  public long refusedDeltaStreams() {
    return refusedDeltaStreams.sum();
  }

  /** Translations that failed validation and were not published. */
  public long invalidSnapshots() {
    return invalidSnapshots.sum();
  }

  public long publishedSnapshots() {
    return publishedSnapshots.sum();
  }

  public long openStreams() {
    return openStreams.sum();
  }
}
