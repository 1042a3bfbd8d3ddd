package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.knobs.TlsProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeAnnotationTest {

  static final String OPENSSL = "{\"app\":{\"path\":\"/usr/bin/curl\",\"library\":\"OPENSSL\",\"linkage\":\"DYNAMIC\","
      + "\"uprobeTargets\":[{\"symbol\":\"SSL_write\",\"file\":\"/lib/libssl.so.3\",\"offset\":1},"
      + "{\"symbol\":\"SSL_read\",\"file\":\"/lib/libssl.so.3\",\"offset\":2}],"
      + "\"libraries\":[{\"library\":\"OPENSSL\",\"uprobeTargets\":[{\"symbol\":\"SSL_write_ex\",\"file\":"
      + "\"/lib/libssl.so.3\",\"unresolvedReason\":\"not exported\"}]}]},"
      + "\"sidecar\":{\"path\":\"/bin/x\",\"error\":\"cannot read /proc/1/exe\"}}";

  @Test
  void readsTheShapeOfHmeshProbeOutput() {
    ProbeAnnotation.Parsed p = ProbeAnnotation.parse("pod-1", OPENSSL);
    assertTrue(p.problems().isEmpty());
    ContainerProbe app = p.containers().get("app");
    assertEquals("OPENSSL", app.library());
    assertEquals("/usr/bin/curl", app.binary());
    assertTrue(app.resolved("SSL_write") && app.resolved("SSL_read"));
    assertFalse(app.resolved("SSL_write_ex"), "targets of the libraries are read too");
    assertEquals(3, app.targets().size());
    assertEquals("cannot read /proc/1/exe", p.containers().get("sidecar").error());
    Inputs.Container c = ProbeKinds.container("app", app, null);
    assertEquals(ProbeKind.OPENSSL, c.probeKind());
    assertTrue(c.targetsResolved());
  }

  @Test
  void garbageIsAProblemNotAnException() {
    for (String bad : List.of("{", "[]", "\"text\"", "{\"app\":3}")) {
      ProbeAnnotation.Parsed p = ProbeAnnotation.parse("pod-1", bad);
      assertEquals(Problem.UNREADABLE_PROBE_ANNOTATION, p.problems().get(0).code(), bad);
      assertTrue(p.containers().isEmpty(), bad);
    }
    assertTrue(ProbeAnnotation.parse("pod-1", null).problems().isEmpty());
  }

  @Test
  void aResolvedCustomTargetMakesAStrippedBinaryReadable() {
    ContainerProbe stripped = new ContainerProbe("/usr/bin/app", "UNKNOWN", "STATIC", List.of(
        new ContainerProbe.Target("my_ssl_write", "/usr/bin/app", true, null)), null, null);
    assertNull(ProbeKinds.container("app", stripped, null).probeKind());
    Inputs.Container c = ProbeKinds.container("app", stripped, new TlsProbe("/usr/bin/app", List.of("my_ssl_write")));
    assertEquals(ProbeKind.OPENSSL, c.probeKind());
    assertTrue(c.targetsResolved());
    assertFalse(ProbeKinds.customResolved(stripped, new TlsProbe("/other", List.of("my_ssl_write"))));
  }
}
