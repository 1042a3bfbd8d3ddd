package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.knobs.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodProbesTest {

  static final String OPENSSL = "{\"app\":{\"path\":\"/usr/bin/curl\",\"library\":\"OPENSSL\",\"linkage\":\"DYNAMIC\","
      + "\"uprobeTargets\":[{\"symbol\":\"SSL_write\",\"file\":\"/lib/libssl.so.3\",\"offset\":1},"
      + "{\"symbol\":\"SSL_read\",\"file\":\"/lib/libssl.so.3\",\"offset\":2}],"
      + "\"libraries\":[{\"library\":\"OPENSSL\",\"uprobeTargets\":[{\"symbol\":\"SSL_write_ex\",\"file\":"
      + "\"/lib/libssl.so.3\",\"unresolvedReason\":\"not exported\"}]}]},"
      + "\"sidecar\":{\"path\":\"/bin/x\",\"error\":\"cannot read /proc/1/exe\"}}";

  @Test
  void readsTheShapeOfHmeshProbeOutput() {
    PodProbes.Read p = PodProbes.read("pod-1", OPENSSL);
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
    for (String bad : List.of("{", "[]", "\"text\"", "{\"app\":3}", "{\"Bad Name\":{\"path\":\"/a\"}}")) {
      PodProbes.Read p = PodProbes.read("pod-1", bad);
      assertEquals(Problem.UNREADABLE_PROBE_ANNOTATION, p.problems().get(0).code(), bad);
      assertTrue(p.problems().get(0).message().startsWith("Pod pod-1 has an unreadable"), bad);
      assertTrue(p.containers().isEmpty(), bad);
    }
    assertTrue(PodProbes.read("pod-1", null).problems().isEmpty());
  }

  @Test
  void aNewerFormatIsAProblemThatSaysSoNotAGuess() {
    PodProbes.Read p = PodProbes.read("pod-1", "{\"formatVersion\":2,\"app\":{\"path\":\"/a\",\"library\":\"NONE\"}}");
    assertTrue(p.containers().isEmpty(), "nothing of a format it does not know is read");
    assertEquals(Problem.UNSUPPORTED_PROBE_ANNOTATION_VERSION, p.problems().get(0).code());
    assertTrue(p.problems().get(0).message().contains("format version 2"), p.problems().get(0).message());
    assertTrue(p.problems().get(0).message().contains("upgrade the controller"), p.problems().get(0).message());
  }

  @Test
  void aResolvedCustomTargetMakesAStrippedBinaryReadable() {
    ContainerProbe stripped = new ContainerProbe("/usr/bin/app", "UNKNOWN", "STATIC", List.of(
        new ContainerProbe.Target("my_ssl_write", "/usr/bin/app", true, null)), null, null);
    assertNull(ProbeKinds.container("app", stripped, null).probeKind());
    Inputs.Container c = ProbeKinds.container("app", stripped, new TlsProbeAnnotation("/usr/bin/app", List.of("my_ssl_write")));
    assertEquals(ProbeKind.OPENSSL, c.probeKind());
    assertTrue(c.targetsResolved());
    assertFalse(ProbeKinds.customResolved(stripped, new TlsProbeAnnotation("/other", List.of("my_ssl_write"))));
  }

  static String target(String fields) {
    return "{\"app\":{\"path\":\"/usr/sbin/nginx\",\"library\":\"OPENSSL\",\"linkage\":\"DYNAMIC\","
        + "\"uprobeTargets\":[{\"symbol\":\"SSL_write\",\"file\":\"/lib/libssl.so.3\"," + fields + "}]}}";
  }

  static ContainerProbe.Target only(String fields) {
    PodProbes.Read p = PodProbes.read("pod-1", target(fields));
    assertEquals(List.of(), p.problems());
    return p.containers().get("app").targets().get(0);
  }

  @Test
  void readsWhereEachProbeGoesAndWhatAHitCosts() {
    ContainerProbe.Target t = only("\"offset\":218368,\"probeOffset\":218528,\"instruction\":\"push %r14\","
        + "\"cost\":\"EMULATED\",\"site\":\"SSL_write and SSL_write_ex both call the function at 0x355a0.\"");
    assertTrue(t.resolved());
    assertEquals(218368L, t.offset());
    assertEquals(218528L, t.probeOffset());
    assertEquals(218528L, t.siteOffset());
    assertEquals("push %r14", t.instruction());
    assertEquals(ProbeCostClass.EMULATED, t.cost());
    assertTrue(t.site().startsWith("SSL_write and SSL_write_ex"));
    assertEquals(ProbeCostClass.SINGLE_STEPPED, only("\"offset\":1,\"cost\":\"SINGLE_STEPPED\"").cost());
  }

  @Test
  void anOlderAgentsTargetHasNoSite() {
    ContainerProbe.Target t = only("\"offset\":218368");
    assertTrue(t.resolved());
    assertEquals(218368L, t.siteOffset(), "the entry is what it probes");
    assertNull(t.probeOffset());
    assertNull(t.instruction());
    assertNull(t.cost());
    assertNull(t.site());
  }

  @Test
  void hostileSiteValuesAreRefusedOrKeptAsUnknownNeverAnException() {
    assertEquals(ProbeCostClass.UNKNOWN, only("\"offset\":1,\"cost\":\"TELEPORTED\"").cost(),
        "a class a newer agent names is carried as unknown");
    assertNull(only("\"offset\":1,\"cost\":null").cost());
    for (String bad : List.of("-5", "\"0x355a0\"", "1.5", "1e30", "99999999999999999999", "true", "[1]", "{}")) {
      PodProbes.Read p = PodProbes.read("pod-1", target("\"offset\":" + bad));
      assertEquals(Problem.UNREADABLE_PROBE_ANNOTATION, p.problems().get(0).code(), bad);
      assertTrue(p.problems().get(0).message().contains("app.uprobeTargets[0].offset"), p.problems().get(0).message());
    }
    for (String bad : List.of("\"cost\":7", "\"cost\":{\"a\":1}", "\"instruction\":42", "\"site\":[\"a\"]",
        "\"site\":\"" + "x".repeat(5_000) + "\"")) {
      assertEquals(Problem.UNREADABLE_PROBE_ANNOTATION,
          PodProbes.read("pod-1", target("\"offset\":1," + bad)).problems().get(0).code(), bad);
    }
    ContainerProbe.Target t = only("\"offset\":1,\"instruction\":\"push\\u001b[2J %r14\\n\"");
    assertEquals("push [2J %r14", t.instruction(), "no terminal escapes reach a user's terminal");
    assertNull(only("\"offset\":1,\"instruction\":\"  \\t \"").instruction());
  }
}
