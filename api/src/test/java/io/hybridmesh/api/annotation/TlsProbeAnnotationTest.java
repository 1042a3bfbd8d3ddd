package io.hybridmesh.api.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsProbeAnnotationTest {

  static TlsProbeAnnotation ok(String value) {
    Parsed<TlsProbeAnnotation> p = TlsProbeAnnotation.parse(value);
    assertTrue(p.ok(), p::toString);
    return p.value().orElseThrow();
  }

  static String refused(String value, Refusal refusal) {
    Parsed<TlsProbeAnnotation> p = TlsProbeAnnotation.parse(value);
    assertFalse(p.ok(), String.valueOf(value));
    assertEquals(refusal, p.refusal(), value + ": " + p.reason());
    return p.reason();
  }

  @Test
  void aValueWithoutAVersionIsVersionOne() {
    TlsProbeAnnotation t = ok(" /usr/bin/app:my_ssl_write, my_ssl_read ");
    assertEquals("/usr/bin/app", t.file());
    assertEquals(List.of("my_ssl_write", "my_ssl_read"), t.symbols());
    assertEquals(t, ok("v1:/usr/bin/app:my_ssl_write,my_ssl_read"));
    assertEquals("v1:/usr/bin/app:my_ssl_write,my_ssl_read", t.toAnnotation());
    assertEquals(t, ok(t.toAnnotation()), "the writer's value reads back");
    assertEquals("/usr/bin/app:my_ssl_write,my_ssl_read", t.target());
    assertEquals("/opt/a:b/lib.so", ok("/opt/a:b/lib.so:SSL_write").file(), "the last colon ends the path");
    assertEquals(List.of("SSL_write@@OPENSSL_3.0.0", "x.y$z"), ok("/l:SSL_write@@OPENSSL_3.0.0,x.y$z").symbols());
  }

  @Test
  void aNewerVersionIsRefusedAsSuch() {
    String why = refused("v2:/usr/bin/app:f", Refusal.UNSUPPORTED_VERSION);
    assertTrue(why.contains("format version 2"), why);
    refused("v0:/usr/bin/app:f", Refusal.MALFORMED);
    refused("vx:/usr/bin/app:f", Refusal.MALFORMED);
    refused("v1:v1:/usr/bin/app:f", Refusal.MALFORMED);
  }

  @Test
  void refusesWhatIsNotAPathAndSymbols() {
    for (String bad : List.of("", "  ", "app:SSL_write", "/usr/bin/app", "/usr/bin/app:", ":x", "/app:a,,b",
        "/app:a,", "/app:1x", "/app:SSL write", "/app:a;rm -rf", "/app:a,a", "/usr/bin/:f", "/usr/../etc/x:f",
        "/usr/./bin/app:f", "//app:f", "/usr/bin/\napp:f", "/usr/bin/app\u0000:f", "/app:" + "s".repeat(257))) {
      refused(bad, Refusal.MALFORMED);
    }
    assertEquals(1, TlsProbeAnnotation.parse(null).refusal() == Refusal.MALFORMED ? 1 : 0);
  }

  @Test
  void refusesOversizeValues() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= TlsProbeAnnotation.MAX_SYMBOLS; i++) {
      many.add("f" + i);
    }
    assertTrue(refused("/app:" + String.join(",", many), Refusal.MALFORMED).contains("33 symbols"));
    ok("/app:" + String.join(",", many.subList(0, TlsProbeAnnotation.MAX_SYMBOLS)));
    ok("/app:" + "s".repeat(256));
    refused("/" + "p".repeat(ProbeEntry.MAX_PATH) + ":f", Refusal.MALFORMED);
    refused("/app:" + "f,".repeat(TlsProbeAnnotation.MAX_LENGTH), Refusal.MALFORMED);
  }
}
