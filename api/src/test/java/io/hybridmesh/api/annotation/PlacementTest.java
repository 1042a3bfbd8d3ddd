package io.hybridmesh.api.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

  @Test
  void absentIsEveryNodeAndPreferCapableIsTheOneValue() {
    assertEquals(Placement.ANY_NODE, Placement.parse(null).value().orElseThrow());
    assertEquals(Placement.ANY_NODE, Placement.parse(" ").value().orElseThrow());
    assertEquals(Placement.PREFER_CAPABLE, Placement.parse(" Prefer-Capable ").value().orElseThrow());
    assertEquals("prefer-capable", Placement.PREFER_CAPABLE.toAnnotation());
    assertNull(Placement.ANY_NODE.toAnnotation());
  }

  @Test
  void anyOtherValueIsRefusedWithTheOneThatWorks() {
    for (String bad : List.of("prefer_capable", "capable", "true", "prefer-capable,strict", "any")) {
      Parsed<Placement> p = Placement.parse(bad);
      assertEquals(Refusal.MALFORMED, p.refusal(), bad);
      assertTrue(p.reason().contains("prefer-capable"), p.reason());
    }
  }
}
