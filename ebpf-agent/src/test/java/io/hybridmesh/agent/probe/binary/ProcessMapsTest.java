package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMapsTest {

  @Test
  void pathIsTheRestOfTheLineAndDeletedIsMarked() {
    String maps = """
        55d0c0000000-55d0c0001000 r--p 00000000 fd:01 123 /usr/bin/python3.11
        7f00-7f10 r-xp 00000000 fd:01 456 /usr/lib/x86_64-linux-gnu/libssl.so.3 X
        7f10-7f20 r-xp 00000000 fd:01 457 /tmp/libnetty_tcnative.so (deleted)
        7f20-7f30 rw-p 00000000 00:00 0 [heap]
        7f30-7f40 rw-p 00000000 00:00 0
        7f40-7f50 r-xp 00001000 fd:01 456 /usr/lib/x86_64-linux-gnu/libssl.so.3 X
        garbage
        """;
    List<ProcessMaps.Mapping> m = ProcessMaps.parse(maps);
    assertEquals(3, m.size(), m.toString());
    assertEquals("/usr/lib/x86_64-linux-gnu/libssl.so.3 X", m.get(1).path());
    assertTrue(m.get(2).deleted());
    assertEquals("/tmp/libnetty_tcnative.so", m.get(2).path());
    assertEquals("7f10-7f20", m.get(2).range());
  }
}
