package io.hybridmesh.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MapsFingerprintTest {

  private static final String BASE = """
      55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 1311                       /usr/lib/jvm/java-17/bin/java
      55d0c0a01000-55d0c0a02000 r-xp 00001000 fe:00 1311                       /usr/lib/jvm/java-17/bin/java
      7f10a0000000-7f10a0021000 rw-p 00000000 00:00 0
      7f10a8000000-7f10a8270000 rwxp 00000000 00:00 0
      7f10b0000000-7f10b0028000 r--p 00000000 fe:00 2201                       /usr/lib/x86_64-linux-gnu/libc.so.6
      7f10b0028000-7f10b01bd000 r-xp 00028000 fe:00 2201                       /usr/lib/x86_64-linux-gnu/libc.so.6
      7ffd4c3a2000-7ffd4c3c3000 rw-p 00000000 00:00 0                          [stack]
      """;

  private static long of(String maps) {
    byte[] b = maps.getBytes(StandardCharsets.ISO_8859_1);
    return MapsFingerprint.of(b, b.length);
  }

  @Test
  void aLibraryLoadedLaterChangesIt() {
    String dlopened = BASE + """
        7fad68800000-7fad68824000 r--p 00000000 fe:00 2146384                    /tmp/libnetty_tcnative_x.so (deleted)
        7fad68824000-7fad689c1000 r-xp 00024000 fe:00 2146384                    /tmp/libnetty_tcnative_x.so (deleted)
        """;
    assertNotEquals(of(BASE), of(dlopened));
  }

  @Test
  void dataAndAnonymousCodeLeaveItAlone() {
    String more = BASE + """
        7f10c0000000-7f10c0100000 rw-p 00000000 00:00 0
        7f10c8000000-7f10c8400000 rwxp 00000000 00:00 0
        7f10d0000000-7f10d0001000 r--p 00000000 fe:00 4242                       /usr/lib/jvm/java-17/lib/modules
        """;
    assertEquals(of(BASE), of(more), "JIT code, heap and data files come and go without a new library");
  }

  @Test
  void aLibraryUnloadedAndAnotherAtItsPlaceChangesIt() {
    String swapped = BASE.replace("fe:00 2201", "fe:00 2202");
    assertNotEquals(of(BASE), of(swapped));
  }

  @Test
  void garbageAndCutLinesAreSkippedNotThrown() {
    assertEquals(of(""), of("\n\n  \nnot maps at all\n7f10 r-x\n"));
    byte[] cut = BASE.getBytes(StandardCharsets.ISO_8859_1);
    MapsFingerprint.of(cut, cut.length / 3);
    MapsFingerprint.of(cut, cut.length + 100);
    assertNotEquals(MapsFingerprint.UNKNOWN, of(""));
  }
}
