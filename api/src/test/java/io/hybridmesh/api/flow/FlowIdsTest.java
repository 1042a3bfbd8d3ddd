package io.hybridmesh.api.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlowIdsTest {

  @Test
  void idsAreVersion7UuidsThatSortByTime() {
    String early = FlowIds.next(1_700_000_000_000L);
    String late = FlowIds.next(1_700_000_000_001L);
    UUID parsed = UUID.fromString(early);
    assertEquals(7, parsed.version());
    assertEquals(2, parsed.variant());
    assertEquals(1_700_000_000_000L, parsed.getMostSignificantBits() >>> 16);
    assertTrue(early.compareTo(late) < 0);
    assertNotEquals(FlowIds.next(5), FlowIds.next(5));
  }
}
