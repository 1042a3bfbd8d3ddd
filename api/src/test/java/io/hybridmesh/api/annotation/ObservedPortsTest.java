package io.hybridmesh.api.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.ObservedPorts.Direction;
import io.hybridmesh.api.annotation.ObservedPorts.Entry;
import io.hybridmesh.api.annotation.ObservedPorts.Seen;
import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObservedPortsTest {

  @Test
  void writtenSortedAndReadBack() {
    ObservedPorts p = ObservedPorts.NONE.with(new Entry(Direction.OUT, 5432, Seen.OTHER))
        .with(new Entry(Direction.IN, 8443, Seen.TLS)).with(new Entry(Direction.IN, 8080, Seen.HTTP))
        .with(new Entry(Direction.IN, 8080, Seen.HTTP));
    assertEquals("in/8080=http in/8443=tls out/5432=other", p.toAnnotation());
    assertEquals(p, ObservedPorts.parse(p.toAnnotation()).value().orElseThrow());
    assertTrue(p.anyTls());
    assertTrue(p.anyHttp());
    assertEquals(ObservedPorts.NONE, ObservedPorts.parse(null).value().orElseThrow());
    assertEquals(ObservedPorts.NONE, ObservedPorts.parse("  ").value().orElseThrow());
    assertEquals(p, ObservedPorts.parse("  out/5432=other   in/8443=tls in/8080=http ").value().orElseThrow());
  }

  @Test
  void describedForAPerson() {
    assertEquals("plaintext HTTP on 8080 (in); TLS on 8443 (in), 443 (out); something else on 5432 (out)",
        ObservedPorts.parse("in/8080=http in/8443=tls out/443=tls out/5432=other").value().orElseThrow()
            .describe());
    assertEquals("TLS on 1 (out); more ports were seen than are listed",
        ObservedPorts.parse("out/1=tls +").value().orElseThrow().describe());
    assertEquals("nothing yet", ObservedPorts.NONE.describe());
  }

  @Test
  void fullSetsStopGrowingAndSaySo() {
    ObservedPorts p = ObservedPorts.NONE;
    for (int port = 1; port <= 100; port++) {
      p = p.with(new Entry(Direction.OUT, port, Seen.OTHER));
    }
    assertEquals(ObservedPorts.MAX_ENTRIES, p.entries().size());
    assertTrue(p.truncated());
    assertTrue(p.toAnnotation().endsWith(" +"));
    assertTrue(p.toAnnotation().length() <= ObservedPorts.MAX_LENGTH);
    ObservedPorts back = ObservedPorts.parse(p.toAnnotation()).value().orElseThrow();
    assertEquals(p, back);
    assertSame(back, back.with(new Entry(Direction.IN, 1, Seen.TLS)), "full: the new port is left out");
  }

  @Test
  void unionIsTheSameWhicheverSideComesFirst() {
    ObservedPorts a = ObservedPorts.parse("in/80=http out/443=tls").value().orElseThrow();
    ObservedPorts b = ObservedPorts.parse("in/80=http in/9090=other +").value().orElseThrow();
    assertEquals(a.union(b), b.union(a));
    assertEquals("in/80=http in/9090=other out/443=tls +", a.union(b).toAnnotation());
    assertFalse(a.union(ObservedPorts.NONE).truncated());
  }

  @Test
  void anythingElseIsRefusedWithTheFormat() {
    for (String bad : List.of("in/8080", "in/0=http", "in/65536=http", "up/80=http", "in/80=HTTP", "in/80=ftp",
        "in/=http", "in/-1=http", "in/99999999999=http", "+ in/80=http", "in/80=http,in/81=tls", "in/8 0=http",
        "x".repeat(2000))) {
      Parsed<ObservedPorts> p = ObservedPorts.parse(bad);
      assertEquals(Refusal.MALFORMED, p.refusal(), bad);
      assertTrue(p.reason().length() < 400, p.reason());
    }
  }

  @Test
  void randomTextNeverThrows() {
    Random r = new Random(7);
    String alphabet = "inout/=+ 0123456789httplsother\t\u00e9";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int j = r.nextInt(40); j > 0; j--) {
        s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      Parsed<ObservedPorts> p = ObservedPorts.parse(s.toString());
      if (p.ok()) {
        assertEquals(p.value().orElseThrow(), ObservedPorts.parse(p.value().orElseThrow().toAnnotation()).value()
            .orElseThrow(), s.toString());
      }
    }
  }
}
