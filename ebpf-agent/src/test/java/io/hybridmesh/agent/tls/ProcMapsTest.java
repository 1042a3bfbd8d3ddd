package io.hybridmesh.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcMapsTest {

  @Test
  void findsEachLibsslOnceAndSkipsReplacedFiles() {
    String maps = """
        55d0c2a00000-55d0c2a28000 r--p 00000000 fe:01 1835                       /usr/bin/python3.11
        7f1c3a000000-7f1c3a021000 rw-p 00000000 00:00 0
        7f1c3b200000-7f1c3b21e000 r--p 00000000 fe:01 2034                       /usr/lib/x86_64-linux-gnu/libssl.so.3
        7f1c3b21e000-7f1c3b279000 r-xp 0001e000 fe:01 2034                       /usr/lib/x86_64-linux-gnu/libssl.so.3
        7f1c3b300000-7f1c3b310000 r-xp 00000000 fe:01 2040                       /opt/app/lib/libssl.so.1.1
        7f1c3b400000-7f1c3b410000 r-xp 00000000 fe:01 2041                       /opt/old/libssl.so.1.1 (deleted)
        7f1c3b500000-7f1c3b510000 r-xp 00000000 fe:01 2042                       /usr/lib/x86_64-linux-gnu/libssl3.so
        7f1c3b600000-7f1c3b610000 r-xp 00000000 fe:01 2043                       /usr/lib/libcrypto.so.3
        7ffd1a1f0000-7ffd1a211000 rw-p 00000000 00:00 0                          [stack]
        """;
    assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libssl.so.3", "/opt/app/lib/libssl.so.1.1"),
        List.copyOf(ProcMaps.openSslLibraries(maps)), "NSS's libssl3.so is not OpenSSL");
  }

  @Test
  void garbageFindsNothing() {
    assertEquals(0, ProcMaps.openSslLibraries("\0\0 garbage /\n/\n").size());
  }
}
