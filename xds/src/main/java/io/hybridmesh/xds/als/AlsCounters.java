package io.hybridmesh.xds.als;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/** Counters of the access-log receiver, for metrics; each drop cause is logged once, then only counted. */
public final class AlsCounters {

  private static final Logger LOG = Logger.getLogger(AccessLogReceiver.class.getName());

  private final LongAdder messages = new LongAdder();
  private final LongAdder entries = new LongAdder();
  private final LongAdder flows = new LongAdder();
  private final LongAdder openStreams = new LongAdder();
  private final LongAdder refusedStreams = new LongAdder();
  private final Map<DropCause, LongAdder> dropped = new EnumMap<>(DropCause.class);
  private final Map<DropCause, AtomicBoolean> logged = new EnumMap<>(DropCause.class);

  public AlsCounters() {
    for (DropCause cause : DropCause.values()) {
      dropped.put(cause, new LongAdder());
      logged.put(cause, new AtomicBoolean());
    }
  }

  void message(int entryCount) {
    messages.increment();
    entries.add(entryCount);
  }

  void flow() {
    flows.increment();
  }

  void dropped(DropCause cause, long count, String detail) {
    dropped.get(cause).add(count);
    if (logged.get(cause).compareAndSet(false, true)) {
      LOG.warning(cause.description + " (" + detail + "); further occurrences are only counted");
    }
  }

  void streamOpened() {
    openStreams.increment();
  }

  void streamClosed() {
    openStreams.decrement();
  }

  void streamRefused() {
    refusedStreams.increment();
  }

  public long messages() {
    return messages.sum();
  }

  public long entries() {
    return entries.sum();
  }

  public long flows() {
    return flows.sum();
  }

  public long dropped(DropCause cause) {
    return dropped.get(cause).sum();
  }

  public long droppedTotal() {
    return dropped.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long openStreams() {
    return openStreams.sum();
  }

  /** Streams turned away because the receiver already had its limit open. */
  public long refusedStreams() {
    return refusedStreams.sum();
  }
}
