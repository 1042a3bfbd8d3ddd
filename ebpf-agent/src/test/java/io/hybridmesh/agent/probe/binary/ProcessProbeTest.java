package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.Fixtures;
import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.jni.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running processes, probed through /proc/<pid>/{exe,maps,root}. */
class ProcessProbeTest {

  private final BinaryProber prober = new BinaryProber();

  /** Starts {@code cmd}, waits for its first output line, probes it, then kills it. */
  private ProbeResult probeRunning(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      assertNotNull(line, "the process printed nothing: " + cmd);
      return prober.probeProcess((int) p.pid());
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  private static boolean hasCode(ProbeResult r, String code) {
    return r.reasons().stream().anyMatch(x -> x.code().equals(code));
  }

  @Test
  void dlopenedLibsslIsDlopen() throws Exception {
    ProbeResult r = probeRunning(List.of(SharedFixtures.get().dlopenSsl().toString(), "wait"));
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.DLOPEN, r.linkage());
    assertTrue(hasCode(r, "TLS_DLOPEN_OPENSSL"));
    assertTrue(r.uprobeTargets().stream().allMatch(UprobeTarget::isResolved), r.toString());
    assertTrue(r.uprobeTargets().get(0).file().contains("libssl.so.3"));
  }

  @Test
  void pythonAfterImportSslIsDlopen() throws Exception {
    Requirements.requireTool("python3");
    ProbeResult r = probeRunning(List.of("python3", "-c",
        "import ssl, sys, time; print('ready', flush=True); time.sleep(60)"));
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.DLOPEN, r.linkage(), r.toString());
    assertTrue(r.uprobeTargets().stream().anyMatch(t -> t.symbol().equals("SSL_write_ex") && t.isResolved()));
  }

  @Test
  void dynamicOpensslProcess() throws Exception {
    ProbeResult r = probeRunning(List.of(SharedFixtures.get().opensslDynamic().toString(), "wait"));
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.DYNAMIC, r.linkage(), "in DT_NEEDED and in maps: DYNAMIC, not DLOPEN");
    assertTrue(hasCode(r, "TLS_DYNAMIC_OPENSSL"));
  }

  @Test
  void thisJvmIsJsse() {
    ProbeResult r = prober.probeProcess((int) ProcessHandle.current().pid());
    assertEquals(TlsLibraryKind.JSSE, r.library(), r.toString());
    assertTrue(hasCode(r, "TLS_JSSE"));
  }

  @Test
  void missingProcessIsACleanError() {
    ProbeResult r = prober.probeProcess(Integer.MAX_VALUE);
    assertNotNull(r.error());
    assertEquals(TlsLibraryKind.UNKNOWN, r.library());
    assertTrue(hasCode(r, "UNREADABLE"));
  }
}
