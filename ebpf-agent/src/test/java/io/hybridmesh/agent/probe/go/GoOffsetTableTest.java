package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.jni.testing.Requirements;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Each release the offset table claims, against the DWARF of a binary built with that release where one is on
 * the machine (the releases without one are proven by GoTlsKernelIT, which reads real connections of stripped
 * kubectl builds), and the releases it does not claim stay unclaimed.
 */
class GoOffsetTableTest {

  @Test
  void go119RowIsWhatTheCompilerLaidOut() throws Exception {
    assertRowMatchesDwarf(SharedFixtures.get().goTls(), "go1.19");
  }

  @Test
  void go124RowIsWhatTheCompilerLaidOutInDockersCli() throws Exception {
    // Docker's CLI as the machine image carries it: go1.24.3, cgo (musl), unstripped, DWARF 5 C units beside
    // Go's DWARF 4 ones.
    Path docker = Path.of("/usr/local/bin/docker");
    Requirements.requireFile(docker);
    assertRowMatchesDwarf(docker, "go1.24");
  }

  @Test
  void releasesWithoutATestAreNotClaimed() {
    for (String v : new String[] {"go1.16.15", "go1.17.13", "go1.18.10", "go1.20.14", "go1.21.13", "go1.25.0"}) {
      assertTrue(GoOffsetTable.lookup(GoVersion.parse(v).orElseThrow()).isEmpty(), v);
    }
    for (String v : new String[] {"go1.19.8", "go1.22.5", "go1.23.8", "go1.24.2"}) {
      GoStructOffsets o = GoOffsetTable.lookup(GoVersion.parse(v).orElseThrow()).orElseThrow();
      assertEquals("table " + GoVersion.parse(v).orElseThrow().line(), o.source());
    }
  }

  private static void assertRowMatchesDwarf(Path binary, String line) throws Exception {
    try (ElfFile elf = ElfFile.open(binary)) {
      GoBuildInfo bi = GoBuildInfoReader.read(elf).orElseThrow();
      GoVersion v = GoVersion.parse(bi.version()).orElseThrow();
      assertEquals(line, v.line(), bi.version());
      GoDwarf.Layout layout = GoDwarf.read(elf, GoTlsAnalyzer.STRUCTS).orElseThrow();
      assertTrue(layout.producer().startsWith("Go cmd/compile " + bi.version()), layout.producer());
      GoStructOffsets dwarf = GoTlsAnalyzer.fromDwarf(layout);
      GoStructOffsets row = GoOffsetTable.lookup(v).orElseThrow();
      assertEquals(row.connData(), dwarf.connData(), "tls.Conn.conn's data word");
      assertEquals(row.tcpConnFd(), dwarf.tcpConnFd(), "TCPConn.conn.fd");
      assertEquals(row.netFdSysfd(), dwarf.netFdSysfd(), "netFD.pfd.Sysfd");
    }
  }
}
