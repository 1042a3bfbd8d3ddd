package io.hybridmesh.controller.knobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadKnobsTest {

  static WorkloadKnobs parse(Map<String, String> annotations) {
    return WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "true"), annotations, Fallback.SIDECAR);
  }

  @Test
  void defaultsAreAutoAndTheClusterFallback() {
    WorkloadKnobs k = WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "true"), null, Fallback.NONE);
    assertTrue(k.optedIn() && k.valid());
    assertEquals(Mode.AUTO, k.mode());
    assertEquals(Fallback.NONE, k.fallback());
    assertNull(k.tlsProbe());
    assertFalse(WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "yes"), null, Fallback.NONE).optedIn(),
        "only the exact value true opts in");
  }

  @Test
  void modesAndFallbacksAreReadCaseInsensitively() {
    assertEquals(Mode.SIDECAR, parse(Map.of("hybridmesh.io/mode", " Sidecar ")).mode());
    assertEquals(Mode.OFF, parse(Map.of("hybridmesh.io/mode", "off")).mode());
    assertEquals(Fallback.NONE, parse(Map.of("hybridmesh.io/fallback", "NONE")).fallback());
  }

  @Test
  void anUnknownValueIsAProblemNeverAGuess() {
    WorkloadKnobs k = parse(Map.of("hybridmesh.io/mode", "ebfp", "hybridmesh.io/fallback", "maybe"));
    assertFalse(k.valid());
    assertEquals(List.of(Problem.INVALID_MODE, Problem.INVALID_FALLBACK), k.problems().stream().map(Problem::code)
        .toList());
    assertTrue(k.problems().get(0).message().contains("'ebfp'"));
  }

  @Test
  void tlsProbeIsAnAbsolutePathAndSymbols() {
    TlsProbe p = parse(Map.of("hybridmesh.io/tls-probe", "/usr/bin/app:my_ssl_write, my_ssl_read")).tlsProbe();
    assertEquals("/usr/bin/app", p.file());
    assertEquals(List.of("my_ssl_write", "my_ssl_read"), p.symbols());
    for (String bad : List.of("app:SSL_write", "/usr/bin/app", "/usr/bin/app:", "/usr/bin/app:1bad", ":x")) {
      WorkloadKnobs k = parse(Map.of("hybridmesh.io/tls-probe", bad));
      assertEquals(List.of(Problem.INVALID_TLS_PROBE), k.problems().stream().map(Problem::code).toList(), bad);
    }
  }
}
