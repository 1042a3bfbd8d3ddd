package io.hybridmesh.controller.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay's two orderings, pure: the backlog's k-way merge with a global count, and the live window. */
class MergeTest {

  private static RelayItem flow(String node, String uuid, long nanos) {
    return RelayItem.flow(node, Flow.newBuilder().setUuid(uuid)
        .setTime(Timestamp.newBuilder().setSeconds(nanos / 1_000_000_000L).setNanos((int) (nanos % 1_000_000_000L)))
        .build());
  }

  private static BacklogMerge.Source source(RelayItem... items) {
    Deque<RelayItem> q = new ArrayDeque<>(List.of(items));
    return q::poll;
  }

  private static List<String> ids(List<RelayItem> items) {
    return items.stream().map(i -> i.isFlow() ? i.flow().getUuid() : "other").toList();
  }

  @Test
  void lastNOverAllNodesAndOtherItemsFirst() throws Exception {
    RelayItem lost = RelayItem.other(GetFlowsResponse.newBuilder().setNodeName("b")
        .setTime(Timestamp.newBuilder().setNanos(2)).setLostEvents(LostEvent.newBuilder().setNumEventsLost(3)).build());
    List<RelayItem> out = new ArrayList<>();
    BacklogMerge.merge(List.of(source(flow("a", "a1", 1), flow("a", "a4", 4)),
        source(lost, flow("b", "b3", 3), flow("b", "b5", 5)), source()), 3, false, out::add);
    assertEquals(List.of("other", "b3", "a4", "b5"), ids(out));

    out.clear();
    BacklogMerge.merge(List.of(source(flow("a", "a1", 1), flow("a", "a4", 4)), source(flow("b", "b3", 3))), 2,
        true, out::add);
    assertEquals(List.of("a1", "b3"), ids(out));
  }

  @Test
  void sameTimeIsOrderedByNodeThenId() throws Exception {
    List<RelayItem> out = new ArrayList<>();
    BacklogMerge.merge(List.of(source(flow("b", "x", 5)), source(flow("a", "y", 5))), 0, false, out::add);
    assertEquals(List.of("y", "x"), ids(out));
  }

  @Test
  void theWindowHoldsItemsUntilLateOnesCanOvertakeAndTheCapacityBoundsIt() {
    ReorderBuffer buffer = new ReorderBuffer(100, 3);
    List<RelayItem> out = new ArrayList<>();
    buffer.add(flow("a", "late", 1_050), out);
    buffer.add(flow("b", "early", 1_000), out);
    buffer.due(1_120, out);
    assertEquals(List.of("early"), ids(out), "only what is a window old goes");
    buffer.due(1_150, out);
    assertEquals(List.of("early", "late"), ids(out));

    out.clear();
    for (int i = 0; i < 5; i++) {
      buffer.add(flow("a", "f" + i, 2_000 + i), out);
    }
    assertEquals(List.of("f0", "f1"), ids(out), "over capacity, the oldest go early");
    assertEquals(3, buffer.size());
    assertEquals(List.of("f2", "f3", "f4"), ids(buffer.drain()));
  }
}
