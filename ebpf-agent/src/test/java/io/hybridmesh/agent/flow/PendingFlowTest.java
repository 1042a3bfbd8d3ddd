package io.hybridmesh.agent.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.redact.RedactingSink;
import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Flows kept unbuilt until read: through the redacting sink and a tee into the ring, built once or never. */
class PendingFlowTest {

  /** Counts its builds; each build makes a new message, as an assembler's does. */
  static final class Counted extends LazyFlow {
    final AtomicInteger builds = new AtomicInteger();
    private final String url;

    Counted(String url) {
      this.url = url;
    }

    @Override
    protected Flow build() {
      builds.incrementAndGet();
      return Flow.newBuilder().setUuid("u" + builds.get())
          .setL7(Layer7.newBuilder().setHttp(HTTP.newBuilder().setUrl(url))).build();
    }
  }

  private static FlowSink chain(RingSink ring, List<Flow> printed) {
    FlowSink printer = new FlowSink() {
      @Override
      public void accept(Flow flow) {
        printed.add(flow);
      }

      @Override
      public void lost(LostEvent lost) {}
    };
    FlowSink tee = printed == null ? ring : new TeeSink(List.of(ring, printer));
    return new RedactingSink(new Redaction(RedactionOptions.DEFAULT), tee);
  }

  @Test
  void aFlowInTheRingThatNobodyReadsIsNeverBuiltAndOneThatIsReadIsBuiltOnceAndRedacted() {
    RingSink ring = new RingSink(new FlowRing(2));
    FlowSink sink = chain(ring, null);
    Counted unread = new Counted("https://shop.test/?token=secret");
    Counted read = new Counted("https://shop.test/?token=secret");
    sink.accept(unread);
    sink.accept(read);
    sink.accept(new Counted("https://shop.test/later")); // overwrites `unread` before anyone read it

    List<Flow> first = readAll(ring.ring());
    List<Flow> second = readAll(ring.ring());

    assertEquals(0, unread.builds.get(), "overwritten unread: never built");
    assertEquals(1, read.builds.get(), "two readers, one build");
    assertSame(first.get(0), second.get(0), "every reader gets the same flow: same id, same time");
    assertEquals("https://shop.test/?token=HMESH_REDACTED", first.get(0).getL7().getHttp().getUrl());
  }

  @Test
  void aSinkThatNeedsTheFlowNowGetsItBuiltOnceAndTheRingSharesThatBuild() {
    RingSink ring = new RingSink(new FlowRing(4));
    List<Flow> printed = new ArrayList<>();
    FlowSink sink = chain(ring, printed);
    Counted f = new Counted("https://shop.test/a");
    sink.accept(f);

    assertEquals(1, printed.size());
    assertEquals(1, f.builds.get());
    assertSame(printed.get(0), readAll(ring.ring()).get(0));
    assertEquals(1, f.builds.get());
  }

  @Test
  void readersThatAskAtOnceAllGetTheFlowThatWonTheBuild() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 200; round++) {
        Counted f = new Counted("https://shop.test/" + round);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Flow>> got = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          got.add(pool.submit(() -> {
            go.await();
            return f.flow();
          }));
        }
        go.countDown();
        Flow winner = got.get(0).get();
        for (Future<Flow> g : got) {
          assertSame(winner, g.get());
        }
        assertTrue(f.isBuilt());
        assertSame(winner, f.flow());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBuiltFlowIsHeldAsItIs() {
    Flow flow = Flow.newBuilder().setUuid("x").build();
    assertSame(flow, PendingFlow.of(flow).flow());
    assertFalse(new Counted("u").isBuilt());
  }

  private static List<Flow> readAll(FlowRing ring) {
    List<Flow> out = new ArrayList<>();
    FlowRing.Cursor c = ring.open(FlowRing.Query.firstN(100), null);
    FlowRing.Item it;
    while ((it = c.poll()) != null) {
      if (it.isFlow()) {
        out.add(it.flow());
      }
    }
    return out;
  }
}
