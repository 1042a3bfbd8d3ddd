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

  @Test
  void anIdMadeLaterFromItsRandomBitsIsTheSameIdAndStillVersion7() {
    long random = 0xfedc_ba98_7654_3210L;
    String id = FlowIds.of(1_700_000_000_000L, random);
    assertEquals(id, FlowIds.of(1_700_000_000_000L, random));
    UUID parsed = UUID.fromString(id);
    assertEquals(7, parsed.version());
    assertEquals(2, parsed.variant());
    assertEquals(1_700_000_000_000L, parsed.getMostSignificantBits() >>> 16);
    assertEquals(random >>> 52, parsed.getMostSignificantBits() & 0xfff);
    assertEquals(random & 0x3fff_ffff_ffff_ffffL, parsed.getLeastSignificantBits() & 0x3fff_ffff_ffff_ffffL);
    assertNotEquals(id, FlowIds.of(1_700_000_000_000L, random + 1));
  }
}
