package io.hybridmesh.agent.flow;

import io.hybridmesh.api.flow.v1.Flow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link PendingFlow} built once, on first demand, from parts its subclass holds. The parts must not change
 * after the flow is handed on (they are read from whichever thread asks first), and {@link #build()} must not
 * touch state of the thread that made them (the assemblers' caches are the event thread's). Two threads that
 * ask at once may both build; the first to finish wins and both get its flow, so readers never see two.
 */
public abstract class LazyFlow implements PendingFlow {

  private static final VarHandle BUILT;

  static {
    try {
      BUILT = MethodHandles.lookup().findVarHandle(LazyFlow.class, "built", Flow.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through BUILT
  private volatile Flow built;

  @Override
  public final Flow flow() {
    Flow f = built;
    if (f != null) {
      return f;
    }
    f = build();
    Flow won = (Flow) BUILT.compareAndExchange(this, null, f);
    return won == null ? f : won;
  }

  /** Whether the flow has been built (for tests and accounting). */
  public final boolean isBuilt() {
    return built != null;
  }

  /** Makes the flow from the parts; pure, and the same parts give an equal flow. */
  protected abstract Flow build();
}
