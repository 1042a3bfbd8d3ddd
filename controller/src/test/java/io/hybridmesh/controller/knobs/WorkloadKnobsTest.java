package io.hybridmesh.controller.knobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.Placement;
import io.hybridmesh.api.annotation.TlsProbeAnnotation;
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
    TlsProbeAnnotation p = parse(Map.of("hybridmesh.io/tls-probe", "/usr/bin/app:my_ssl_write, my_ssl_read")).tlsProbe();
    assertEquals("/usr/bin/app", p.file());
    assertEquals(List.of("my_ssl_write", "my_ssl_read"), p.symbols());
    for (String bad : List.of("app:SSL_write", "/usr/bin/app", "/usr/bin/app:", "/usr/bin/app:1bad", ":x",
        "/usr/bin/app:" + "s".repeat(257), "/usr/bin/app:f,f")) {
      WorkloadKnobs k = parse(Map.of("hybridmesh.io/tls-probe", bad));
      assertEquals(List.of(Problem.INVALID_TLS_PROBE), k.problems().stream().map(Problem::code).toList(), bad);
      assertFalse(k.valid());
    }
    assertTrue(parse(Map.of("hybridmesh.io/tls-probe", "/usr/bin/app:" + "s".repeat(300))).problems().get(0)
        .message().length() < 600, "a long value is not echoed at length");
  }

  @Test
  void aTlsProbeInANewerFormatIsAProblemThatSaysSo() {
    assertEquals(parse(Map.of("hybridmesh.io/tls-probe", "/usr/bin/app:f")).tlsProbe(),
        parse(Map.of("hybridmesh.io/tls-probe", "v1:/usr/bin/app:f")).tlsProbe());
    WorkloadKnobs k = parse(Map.of("hybridmesh.io/tls-probe", "v2:/usr/bin/app:f;mode=ret"));
    assertFalse(k.valid(), "the workload keeps its last decision");
    assertNull(k.tlsProbe());
    assertEquals(Problem.UNSUPPORTED_TLS_PROBE_VERSION, k.problems().get(0).code());
    assertTrue(k.problems().get(0).message().contains("format version 2"), k.problems().get(0).message());
  }

  @Test
  void placementIsPreferCapableOrAbsent() {
    assertEquals(Placement.ANY_NODE, parse(Map.of()).placement());
    assertEquals(Placement.PREFER_CAPABLE, parse(Map.of("hybridmesh.io/placement", "prefer-capable")).placement());
    WorkloadKnobs k = parse(Map.of("hybridmesh.io/placement", "capable-only"));
    assertFalse(k.valid());
    assertEquals(List.of(Problem.INVALID_PLACEMENT), k.problems().stream().map(Problem::code).toList());
    assertTrue(k.problems().get(0).message().contains("prefer-capable"), k.problems().get(0).message());
  }
}
