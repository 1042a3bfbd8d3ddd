package io.hybridmesh.api.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeAnnotationTest {

  /** What agents wrote before the version field: no formatVersion. */
  static final String LEGACY = "{\"app\":{\"path\":\"/usr/bin/curl\",\"library\":\"OPENSSL\",\"linkage\":\"DYNAMIC\","
      + "\"uprobeTargets\":[{\"symbol\":\"SSL_write\",\"file\":\"/lib/libssl.so.3\",\"offset\":1,"
      + "\"probeOffset\":9,\"instruction\":\"push %r14\",\"cost\":\"EMULATED\",\"site\":\"why here\"},"
      + "{\"symbol\":\"SSL_read\",\"file\":\"/lib/libssl.so.3\",\"offset\":2}],"
      + "\"libraries\":[{\"library\":\"OPENSSL\",\"file\":\"/lib/libssl.so.3\",\"linkage\":\"DYNAMIC\",\"depth\":1,"
      + "\"uprobeTargets\":[{\"symbol\":\"SSL_write_ex\",\"file\":\"/lib/libssl.so.3\",\"unresolvedReason\":"
      + "\"not exported\"}]}],\"reasons\":[{\"code\":\"UPROBE_TARGETS_OK\",\"message\":\"fine\"}]},"
      + "\"sidecar\":{\"path\":\"/bin/x\",\"error\":\"cannot read /proc/1/exe\"}}";

  static ProbeAnnotation ok(String value) {
    Parsed<ProbeAnnotation> p = ProbeAnnotation.parse(value);
    assertTrue(p.ok(), p::toString);
    return p.value().orElseThrow();
  }

  static Parsed<ProbeAnnotation> refused(String value, Refusal refusal) {
    Parsed<ProbeAnnotation> p = ProbeAnnotation.parse(value);
    assertFalse(p.ok(), value);
    assertEquals(refusal, p.refusal(), value + ": " + p.reason());
    return p;
  }

  @Test
  void aValueWithoutAVersionIsReadAsVersionOne() {
    ProbeAnnotation a = ok(LEGACY);
    assertEquals(List.of("app", "sidecar"), List.copyOf(a.containers().keySet()));
    ProbeEntry app = a.containers().get("app");
    assertEquals("OPENSSL", app.library());
    UprobeTargetEntry write = app.uprobeTargets().get(0);
    assertEquals(List.of(1L, 9L, "push %r14", "EMULATED", "why here"),
        List.of(write.offset(), write.probeOffset(), write.instruction(), write.cost(), write.site()));
    assertFalse(app.libraries().get(0).uprobeTargets().get(0).resolved());
    assertEquals("cannot read /proc/1/exe", a.containers().get("sidecar").error());
  }

  @Test
  void theWriterWritesTheVersionAndTheReaderReadsBackTheSameValue() {
    ProbeAnnotation a = ok(LEGACY);
    String json = a.toJson();
    assertTrue(json.startsWith("{\"formatVersion\":1,\"app\":"), json);
    assertEquals(a, ok(json));
    assertEquals(json, ok(json).toJson(), "equal content is equal text");
    assertEquals(ok("{\"formatVersion\":1}"), ProbeAnnotation.EMPTY);
    assertEquals(ProbeAnnotation.EMPTY, ok(null));
    assertEquals(ProbeAnnotation.EMPTY, ok("  "));
  }

  @Test
  void fieldsThisVersionDoesNotKnowAreIgnored() {
    ProbeAnnotation a = ok("{\"app\":{\"path\":\"/a\",\"sbom\":{\"x\":[1]},\"uprobeTargets\":[{\"symbol\":\"f\","
        + "\"offset\":3,\"weight\":0.5}]}}");
    assertEquals(3L, a.containers().get("app").uprobeTargets().get(0).offset());
  }

  @Test
  void aNewerVersionIsRefusedAsSuchNotReadAsThisOne() {
    Parsed<ProbeAnnotation> p = refused("{\"formatVersion\":2,\"app\":{\"whatever\":\"new\"}}",
        Refusal.UNSUPPORTED_VERSION);
    assertTrue(p.reason().contains("format version 2"), p.reason());
    assertTrue(p.reason().contains("up to 1"), p.reason());
  }

  @Test
  void refusesWhatIsNotTheFormat() {
    for (String bad : List.of(
        "{", "[]", "\"text\"", "42", "null", "{\"app\":{\"path\":\"/a\"}} trailing",
        "{\"app\":{\"path\":\"/a\"},\"app\":{\"path\":\"/b\"}}",               // which of two would count?
        "{\"app\":3}", "{\"app\":[]}", "{\"app\":{}}",                        // not an entry; no path
        "{\"formatVersion\":\"1\"}", "{\"formatVersion\":0}", "{\"formatVersion\":1.5}",
        "{\"formatVersion\":-1}", "{\"formatVersion\":99999999999}",
        "{\"App\":{\"path\":\"/a\"}}", "{\"-app\":{\"path\":\"/a\"}}",       // not container names
        "{\"a b\":{\"path\":\"/a\"}}", "{\"" + "a".repeat(64) + "\":{\"path\":\"/a\"}}", "{\"\":{\"path\":\"/a\"}}",
        "{\"app\":{\"path\":7}}", "{\"app\":{\"path\":\"/a\",\"stripped\":\"yes\"}}",
        "{\"app\":{\"path\":\"/a\",\"library\":\"openssl\"}}", "{\"app\":{\"path\":\"/a\",\"library\":\"OPEN SSL\"}}",
        "{\"app\":{\"path\":\"/a\",\"uprobeTargets\":{}}}", "{\"app\":{\"path\":\"/a\",\"uprobeTargets\":[3]}}",
        "{\"app\":{\"path\":\"/a\",\"libraries\":[{\"depth\":-1}]}}",
        "{\"app\":{\"path\":\"/a\",\"reasons\":[{\"message\":\"no code\"}]}}")) {
      refused(bad, Refusal.MALFORMED);
    }
  }

  static String target(String fields) {
    return "{\"app\":{\"path\":\"/usr/sbin/nginx\",\"uprobeTargets\":[{\"symbol\":\"SSL_write\","
        + "\"file\":\"/lib/libssl.so.3\"," + fields + "}]}}";
  }

  @Test
  void refusesOffsetsThatAreNoFileOffsetAndTargetsThatContradictThemselves() {
    for (String bad : List.of("-5", "\"0x355a0\"", "1.5", "1e30", "99999999999999999999", "true", "[1]", "{}")) {
      Parsed<ProbeAnnotation> p = refused(target("\"offset\":" + bad), Refusal.MALFORMED);
      assertTrue(p.reason().startsWith("app.uprobeTargets[0].offset"), p.reason());
      refused(target("\"offset\":1,\"probeOffset\":" + bad), Refusal.MALFORMED);
    }
    assertTrue(refused(target("\"offset\":-5"), Refusal.MALFORMED).reason().contains("never negative"));
    refused(target("\"offset\":1,\"unresolvedReason\":\"and yet\""), Refusal.MALFORMED);
    refused(target("\"probeOffset\":1,\"unresolvedReason\":\"no entry\""), Refusal.MALFORMED);
    refused(target("\"cost\":\"EMULATED\""), Refusal.MALFORMED); // neither resolved nor unresolved
    refused(target("\"offset\":1,\"cost\":7"), Refusal.MALFORMED);
    refused(target("\"offset\":1,\"instruction\":42"), Refusal.MALFORMED);
    refused("{\"app\":{\"path\":\"/a\",\"uprobeTargets\":[{\"symbol\":\"SSL write\",\"offset\":1}]}}",
        Refusal.MALFORMED);
    refused("{\"app\":{\"path\":\"/a\",\"uprobeTargets\":[{\"offset\":1}]}}", Refusal.MALFORMED);
    assertEquals("TELEPORTED", ok(target("\"offset\":1,\"cost\":\"TELEPORTED\"")).containers().get("app")
        .uprobeTargets().get(0).cost(), "a cost class a newer agent names is a word readers may not know");
  }

  @Test
  void refusesOversizeValuesAndCleansWhatReachesATerminal() {
    refused("{\"app\":{\"path\":\"/" + "a".repeat(ProbeAnnotation.MAX_LENGTH) + "\"}}", Refusal.MALFORMED);
    refused(target("\"offset\":1,\"site\":\"" + "x".repeat(ProbeEntry.MAX_SENTENCE + 1) + "\""), Refusal.MALFORMED);
    refused(target("\"offset\":1,\"instruction\":\"" + "x".repeat(81) + "\""), Refusal.MALFORMED);
    refused("{\"app\":{\"path\":\"/" + "p".repeat(ProbeEntry.MAX_PATH) + "\"}}", Refusal.MALFORMED);
    refused("[".repeat(100) + "]".repeat(100), Refusal.MALFORMED);
    UprobeTargetEntry t = ok(target("\"offset\":1,\"instruction\":\"push\\u001b[2J %r14\\n\"")).containers()
        .get("app").uprobeTargets().get(0);
    assertEquals("push [2J %r14", t.instruction(), "no terminal escapes reach a user's terminal");
    assertNull(ok(target("\"offset\":1,\"instruction\":\"  \\t \"")).containers().get("app").uprobeTargets().get(0)
        .instruction());
  }

  @Test
  void refusalsNameThePlaceAndDoNotEchoHostileValuesAtLength() {
    Parsed<ProbeAnnotation> p = refused("{\"app\":{\"path\":\"/a\",\"libraries\":[{\"uprobeTargets\":[{\"symbol\":"
        + "\"f\",\"offset\":\"" + "9".repeat(5000) + "\"}]}]}}", Refusal.MALFORMED);
    assertTrue(p.reason().startsWith("app.libraries[0].uprobeTargets[0].offset is the string"), p.reason());
    assertTrue(p.reason().length() < 300, p.reason());
  }

  @Test
  void theTypedValueCannotBeBuiltInvalidEither() {
    assertThrows(() -> UprobeTargetEntry.resolved("SSL_write", "/lib", -1));
    assertThrows(() -> ProbeAnnotation.of(Map.of("Bad_Name", ProbeEntry.failed("/a", "x", List.of()))));
    assertThrows(() -> ProbeEntry.failed(null, "x", List.of()));
    assertEquals("a…", AnnotationText.clip("abc", 2));
  }

  @Test
  void theCliArrayHoldsTheSameEntries() {
    ProbeEntry e = ok(LEGACY).containers().get("app");
    String array = ProbeAnnotation.toJsonArray(List.of(e));
    assertTrue(array.startsWith("[ {"), array);
    assertEquals(e, ok("{\"app\":" + array.substring(1, array.lastIndexOf(']')) + "}").containers().get("app"));
  }

  private static void assertThrows(Runnable r) {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
  }

  @Test
  void goDetailsTravelBothWays() {
    ProbeAnnotation a = ok("{\"app\":{\"path\":\"/srv\",\"library\":\"GO_CRYPTO_TLS\",\"goVersion\":\"go1.22.5\","
        + "\"goFunctionsFrom\":\"PCLNTAB\",\"goStructOffsets\":\"table go1.22\"}}");
    ProbeEntry e = ok(a.toJson()).containers().get("app");
    assertEquals("PCLNTAB", e.goFunctionsFrom());
    assertEquals("table go1.22", e.goStructOffsets());
    refused("{\"app\":{\"path\":\"/srv\",\"goFunctionsFrom\":\"from symbols\"}}", Refusal.MALFORMED);
  }
}
