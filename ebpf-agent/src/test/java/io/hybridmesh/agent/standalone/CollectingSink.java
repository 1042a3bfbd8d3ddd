package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.Reporter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps every flow and lost event; optionally slow, to make the kernel's ring buffer overflow. */
final class CollectingSink implements FlowSink {

  private final List<Flow> flows = new ArrayList<>();
  private final List<LostEvent> lost = new ArrayList<>();
  private final long delayMillisPerFlow;

  CollectingSink(long delayMillisPerFlow) {
    this.delayMillisPerFlow = delayMillisPerFlow;
  }

  @Override
  public void accept(Flow flow) {
    if (delayMillisPerFlow > 0) {
      try {
        Thread.sleep(delayMillisPerFlow);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      flows.add(flow);
    }
  }

  @Override
  public synchronized void lost(LostEvent event) {
    lost.add(event);
  }

  synchronized List<Flow> flows(Predicate<Flow> which) {
    return flows.stream().filter(which).toList();
  }

  /** The L7 flows of the TCP connection that has {@code port} at either end. */
  static Predicate<Flow> l7On(int port) {
    return f -> f.getType() == FlowType.L7
        && (f.getL4().getTcp().getSourcePort() == port || f.getL4().getTcp().getDestinationPort() == port);
  }

  /** Of the flows {@code connection} picks, those of {@code type} that {@code reporter} made, in order. */
  List<Flow> l7(Predicate<Flow> connection, Reporter reporter, L7FlowType type) {
    return flows(connection.and(f -> f.getReporter() == reporter).and(f -> f.getL7().getType() == type));
  }

  synchronized long lostEvents() {
    return lost.stream().mapToLong(LostEvent::getNumEventsLost).sum();
  }

  synchronized long lostEvents(io.hybridmesh.api.flow.v1.LostEventSource source) {
    return lost.stream().filter(l -> l.getSource() == source).mapToLong(LostEvent::getNumEventsLost).sum();
  }

  synchronized String dump() {
    StringBuilder sb = new StringBuilder();
    flows.forEach(f -> sb.append(f.getIp().getSource()).append(' ')
        .append(f.getL4().toString().replace('\n', ' ')).append(" -> ")
        .append(f.getIp().getDestination()).append(' ').append(f.getConnection().getState())
        .append(' ').append(f.getReporter()).append('\n'));
    return sb.toString();
  }
}
