package io.hybridmesh.agent.redact;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.LazyFlow;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;

/**
 * The first sink of the agent's chain: every flow is redacted before any other sink (the flow ring, the
 * JSON printer, metrics) sees it. A wrapper rather than a step inside the assemblers, so that every
 * producer (uprobes today, Envoy access logs later) gets the same treatment in one place and no sink can
 * be wired in front of it by mistake; flows without secrets pass through as the same instance.
 */
public final class RedactingSink implements FlowSink {

  private final Redaction redaction;
  private final FlowSink next;

  public RedactingSink(Redaction redaction, FlowSink next) {
    if (redaction == null || next == null) {
      throw new NullPointerException(redaction == null ? "redaction" : "next");
    }
    this.redaction = redaction;
    this.next = next;
  }

  @Override
  public void accept(Flow flow) {
    next.accept(redaction.apply(flow));
  }

  /** Redacted when built: no sink or reader can get the flow without passing through here. */
  @Override
  public void accept(PendingFlow flow) {
    next.accept(new Redacted(flow, redaction));
  }

  @Override
  public void lost(LostEvent lost) {
    next.lost(lost);
  }

  /** A pending flow whose built form is the redacted one. */
  private static final class Redacted extends LazyFlow {
    private final PendingFlow source;
    private final Redaction redaction;

    Redacted(PendingFlow source, Redaction redaction) {
      this.source = source;
      this.redaction = redaction;
    }

    @Override
    protected Flow build() {
      return redaction.apply(source.flow());
    }
  }
}
