package io.hybridmesh.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelReleaseTest {

  private static KernelRelease parsed(String s) {
    return KernelRelease.parse(s).orElseThrow(() -> new AssertionError("not parsed: " + s));
  }

  @Test
  void releaseStringsAsKernelsAndClustersWriteThem() {
    assertEquals(new KernelRelease(6, 18, 0), parsed("6.18.0-1-cloud-amd64"));
    assertEquals(new KernelRelease(5, 4, 0), parsed("v5.4"));
    assertEquals(new KernelRelease(4, 18, 0), parsed("4.18.0-513.el8.x86_64"));
    assertEquals(new KernelRelease(5, 10, 217), parsed("5.10.217-205.860.amzn2.x86_64"));
    assertEquals(new KernelRelease(6, 18, 44), parsed("6.18.44-fc-v669"));
    assertEquals(new KernelRelease(3, 14, 0), parsed("  3.14"));
    assertEquals(new KernelRelease(6, 1, 0), parsed("6.1-rc3"));
  }

  @Test
  void notAVersionIsEmpty() {
    for (String s : new String[] {null, "", "linux", "6", "v", "-1.2", "99999999999999999999.1",
        "1.99999999999999999999", "x6.1"}) {
      assertEquals(Optional.empty(), KernelRelease.parse(s), String.valueOf(s));
    }
  }

  @Test
  void atLeastComparesMajorThenMinorAndIgnoresThePatch() {
    KernelRelease r = parsed("4.16.3");
    assertTrue(r.atLeast(4, 16));
    assertTrue(r.atLeast(4, 15));
    assertTrue(r.atLeast(3, 99));
    assertFalse(r.atLeast(4, 17));
    assertFalse(r.atLeast(5, 0));
    assertTrue(parsed("6.18").compareTo(parsed("6.16.9")) > 0);
    assertTrue(parsed("4.9.1").compareTo(parsed("4.10")) < 0);
    assertEquals("6.16.0", KernelRelease.of(6, 16).toString());
  }

  @Test
  void negativeNumbersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new KernelRelease(-1, 0, 0));
  }
}
