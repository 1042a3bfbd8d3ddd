package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoVersionTest {

  @Test
  void releasesAsBinariesNameThem() {
    assertEquals("go1.22", GoVersion.parse("go1.22.5").orElseThrow().line());
    assertEquals("go1.21", GoVersion.parse("go1.21rc2").orElseThrow().line());
    assertEquals("go1.25", GoVersion.parse("go1.25-20250209-RC00 cl/724970549 +ff27d270c9 X:boringcrypto")
        .orElseThrow().line());
    assertEquals("go1.16", GoVersion.parse("go1.16.5b7").orElseThrow().line());
    assertEquals("go1.20", GoVersion.parse("go1.20").orElseThrow().line());
    assertTrue(GoVersion.parse("devel +abcdef").isEmpty());
    assertTrue(GoVersion.parse("go1.").isEmpty());
    assertTrue(GoVersion.parse("x".repeat(1000)).isEmpty());
    assertTrue(GoVersion.parse(null).isEmpty());
  }

  @Test
  void registerAbiFrom117AndTheTableLayoutsByRelease() {
    assertFalse(GoVersion.parse("go1.16.15").orElseThrow().registerAbiOnAmd64());
    assertTrue(GoVersion.parse("go1.17").orElseThrow().registerAbiOnAmd64());
    assertEquals("go1.16", GoVersion.parse("go1.17.3").orElseThrow().expectedPclntabLayout());
    assertEquals("go1.18", GoVersion.parse("go1.19.8").orElseThrow().expectedPclntabLayout());
    assertEquals("go1.20+", GoVersion.parse("go1.24.2").orElseThrow().expectedPclntabLayout());
    assertEquals("go1.2", GoVersion.parse("go1.15").orElseThrow().expectedPclntabLayout());
  }
}
