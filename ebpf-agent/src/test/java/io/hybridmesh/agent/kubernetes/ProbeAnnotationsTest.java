package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeAnnotationsTest {

  private static JsonObject entry(String library) {
    JsonObject o = new JsonObject();
    o.addProperty("path", "/usr/bin/app");
    o.addProperty("library", library);
    return o;
  }

  @Test
  void buildsSortedObjectFromContainerToEntry() {
    String v = ProbeAnnotations.merge(null, Set.of("app", "side"), Map.of("side", entry("NONE"), "app",
        entry("OPENSSL")));
    assertEquals("{\"app\":{\"path\":\"/usr/bin/app\",\"library\":\"OPENSSL\"},"
        + "\"side\":{\"path\":\"/usr/bin/app\",\"library\":\"NONE\"}}", v);
  }

  @Test
  void keepsEntriesOfContainersStillInThePodAndDropsRemovedOnes() {
    String current = "{\"app\":{\"library\":\"OPENSSL\"},\"gone\":{\"library\":\"GO\"}}";
    String v = ProbeAnnotations.merge(current, Set.of("app", "side"), Map.of("side", entry("NONE")));
    JsonObject o = JsonParser.parseString(v).getAsJsonObject();
    assertEquals(Set.of("app", "side"), o.keySet());
    assertEquals("OPENSSL", o.getAsJsonObject("app").get("library").getAsString());
  }

  @Test
  void writesOnlyWhenTheContentChanged() {
    String v = ProbeAnnotations.merge(null, Set.of("app"), Map.of("app", entry("OPENSSL")));
    assertFalse(ProbeAnnotations.needsWrite(v, v));
    assertFalse(ProbeAnnotations.needsWrite("{ \"app\" : {\"library\":\"OPENSSL\", \"path\":\"/usr/bin/app\"} }", v),
        "same JSON, other spelling");
    assertTrue(ProbeAnnotations.needsWrite(null, v));
    assertTrue(ProbeAnnotations.needsWrite("not json", v), "garbage is replaced");
    assertTrue(ProbeAnnotations.needsWrite("[1]", v));
    assertFalse(ProbeAnnotations.needsWrite(null, "{}"), "nothing probed, nothing written");
    assertTrue(ProbeAnnotations.needsWrite(v, ProbeAnnotations.merge(v, Set.of("app"),
        Map.of("app", entry("BORINGSSL")))));
  }

  @Test
  void customTargetsJoinTheEntrysTargets() {
    JsonObject e = entry("OPENSSL");
    JsonObject out = ProbeAnnotations.withCustomTargets(e, List.of(UprobeTarget.resolved("my_write", "/app", 4096),
        UprobeTarget.unresolved("my_read", "/app", "no defined symbol")));
    assertEquals(2, out.getAsJsonArray("uprobeTargets").size());
    assertEquals(4096, out.getAsJsonArray("uprobeTargets").get(0).getAsJsonObject().get("offset").getAsLong());
    assertEquals("/app", out.getAsJsonArray("uprobeTargets").get(1).getAsJsonObject().get("file").getAsString());
    assertFalse(e.has("uprobeTargets"), "the input is not changed");
  }

  @Test
  void patchSetsOnlyTheAnnotation() {
    JsonObject p = JsonParser.parseString(ProbeAnnotations.mergePatch("{\"a\":{}}")).getAsJsonObject();
    assertEquals("{\"a\":{}}", p.getAsJsonObject("metadata").getAsJsonObject("annotations")
        .get("hybridmesh.io/probe").getAsString());
    assertEquals(Set.of("metadata"), p.keySet());
  }
}
