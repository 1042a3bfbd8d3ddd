package io.hybridmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelValuesTest {

  @Test
  void equalsAndHashesLikeAnyListOfTheSameValues() {
    List<String> l = LabelValues.of("a", "b", "");
    assertEquals(List.of("a", "b", ""), l);
    assertEquals(l, List.of("a", "b", ""));
    assertEquals(new ArrayList<>(List.of("a", "b", "")), l);
    assertEquals(List.of("a", "b", "").hashCode(), l.hashCode());
    assertEquals(LabelValues.of("a", "b", ""), l);
    assertNotEquals(LabelValues.of("a", "b"), l);
    assertNotEquals(LabelValues.of("a", "b", "c"), l);
    assertEquals("[a, b, ]", l.toString());
  }

  @Test
  void immutableWithoutNullsAndCopiedOnlyWhenNeeded() {
    String[] values = {"x", "y"};
    List<String> l = LabelValues.of(values);
    values[0] = "changed";
    assertEquals(List.of("x", "y"), l);
    assertThrows(UnsupportedOperationException.class, () -> l.set(0, "z"));
    assertThrows(NullPointerException.class, () -> LabelValues.of("x", null));
    assertSame(l, LabelValues.copyOf(l));
    assertTrue(LabelValues.copyOf(List.of("x", "y")) instanceof LabelValues);
  }
}
