package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.agent.probe.binary.ProbeEntries;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.annotation.ProbeEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeAnnotationsTest {

  private static ProbeEntry entry(String library) {
    return new ProbeEntry("/usr/bin/app", null, library, null, "DYNAMIC", null, null, List.of(), null, null, null,
        null, List.of(), List.of());
  }

  @Test
  void buildsAVersionedSortedObjectFromContainerToEntry() {
    String v = ProbeAnnotations.merge(null, Set.of("app", "side"), Map.of("side", entry("NONE"), "app",
        entry("OPENSSL"))).toJson();
    assertTrue(v.startsWith("{\"formatVersion\":1,\"app\":{\"path\":\"/usr/bin/app\",\"library\":\"OPENSSL\""), v);
    assertTrue(v.indexOf("\"side\"") > v.indexOf("\"app\""), v);
  }

  @Test
  void keepsEntriesOfContainersStillInThePodAndDropsRemovedOnes() {
    String current = "{\"app\":{\"path\":\"/a\",\"library\":\"OPENSSL\"},\"gone\":{\"path\":\"/g\",\"library\":\"GO\"}}";
    ProbeAnnotation v = ProbeAnnotations.merge(current, Set.of("app", "side"), Map.of("side", entry("NONE")));
    assertEquals(Set.of("app", "side"), v.containers().keySet());
    assertEquals("OPENSSL", v.containers().get("app").library(), "an entry without a version is kept (version 1)");
  }

  @Test
  void aValueItCannotReadKeepsNothingAndIsRewritten() {
    for (String unreadable : List.of("not json", "[1]", "{\"formatVersion\":2,\"app\":{\"path\":\"/a\"}}",
        "{\"app\":{\"path\":\"/a\",\"uprobeTargets\":[{\"symbol\":\"f\",\"offset\":-1}]}}")) {
      ProbeAnnotation v = ProbeAnnotations.merge(unreadable, Set.of("app", "side"), Map.of("side", entry("NONE")));
      assertEquals(Set.of("side"), v.containers().keySet(), unreadable);
      assertTrue(ProbeAnnotations.needsWrite(unreadable, v), unreadable);
    }
  }

  @Test
  void writesOnlyWhenTheContentChanged() {
    ProbeAnnotation v = ProbeAnnotations.merge(null, Set.of("app"), Map.of("app", entry("OPENSSL")));
    assertFalse(ProbeAnnotations.needsWrite(v.toJson(), v));
    assertFalse(ProbeAnnotations.needsWrite("{ \"app\" : {\"linkage\":\"DYNAMIC\", \"library\":\"OPENSSL\", "
        + "\"path\":\"/usr/bin/app\"} }", v), "same content, other spelling, and written before the version field");
    assertTrue(ProbeAnnotations.needsWrite(null, v));
    assertFalse(ProbeAnnotations.needsWrite(null, ProbeAnnotation.EMPTY), "nothing probed, nothing written");
    assertTrue(ProbeAnnotations.needsWrite(v.toJson(), ProbeAnnotations.merge(v.toJson(), Set.of("app"),
        Map.of("app", entry("BORINGSSL")))));
  }

  @Test
  void customTargetsJoinTheEntrysTargets() {
    ProbeEntry e = entry("OPENSSL");
    ProbeEntry out = e.withMoreTargets(ProbeEntries.targets(List.of(UprobeTarget.resolved("my_write", "/app", 4096),
        UprobeTarget.unresolved("my_read", "/app", "no defined symbol"))));
    assertEquals(2, out.uprobeTargets().size());
    assertEquals(4096L, out.uprobeTargets().get(0).offset());
    assertEquals("/app", out.uprobeTargets().get(1).file());
    assertTrue(e.uprobeTargets().isEmpty(), "the input is not changed");
  }

  @Test
  void patchSetsOnlyTheAnnotation() {
    ProbeAnnotation a = ProbeAnnotation.of(Map.of("app", entry("NONE")));
    JsonObject p = JsonParser.parseString(ProbeAnnotations.mergePatch(a)).getAsJsonObject();
    assertEquals(a.toJson(), p.getAsJsonObject("metadata").getAsJsonObject("annotations")
        .get("hybridmesh.io/probe").getAsString());
    assertEquals(Set.of("metadata"), p.keySet());
  }
}
