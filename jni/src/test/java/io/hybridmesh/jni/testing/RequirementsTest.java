package io.hybridmesh.jni.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing requirement skips with its reason, or fails with it when CI forbids skipping. */
class RequirementsTest {

  @Test
  void aMetRequirementNeitherSkipsNorFails() {
    assertDoesNotThrow(() -> Requirements.require(true, "unused", true));
    assertDoesNotThrow(() -> Requirements.require(true, "unused", false));
  }

  @Test
  void aMissingRequirementSkipsWithItsReason() {
    TestAbortedException e = assertThrows(TestAbortedException.class,
        () -> Requirements.require(false, "needs a writable cgroup v2 mount", false));
    assertTrue(e.getMessage().contains("needs a writable cgroup v2 mount"), e.getMessage());
  }

  @Test
  void aMissingRequirementFailsWithItsReasonWhenSkippingIsForbidden() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> Requirements.require(false, "gcc is not installed", true));
    assertTrue(e.getMessage().contains("gcc is not installed"), e.getMessage());
    assertTrue(e.getMessage().contains("-Dhmesh.requireKernel=true"), "says why it is not a skip: " + e.getMessage());
  }

  @Test
  void toolsAreLookedUpOnThePath() {
    assertTrue(Requirements.onPath("sh"), "every Linux machine has sh");
    assertFalse(Requirements.onPath("hmesh-no-such-tool"));
  }
}
