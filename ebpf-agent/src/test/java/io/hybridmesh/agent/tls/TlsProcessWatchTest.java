package io.hybridmesh.agent.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.ProcessEvent;
import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.probe.go.GoStructOffsets;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.agent.tls.ProcessView.TlsFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TlsProcessWatchTest {

  private static final long WATCHED = 4026532001L;
  private static final long OTHER = 4026532002L;
  private static final TlsSite WRITE = new TlsSite(true, 0x355a0, true, List.of("SSL_write", "SSL_write_ex"));
  private static final TlsSite READ = new TlsSite(false, 0x35290, true, List.of("SSL_read", "SSL_read_ex"));
  private static final TlsFile LIBSSL = new TlsFile("8:1:100", "/usr/lib/libssl.so.3", List.of(WRITE, READ),
      TlsLibraryKind.OPENSSL);
  private static final TlsFile NODE = new TlsFile("8:1:200", "/usr/bin/node", List.of(WRITE), TlsLibraryKind.OPENSSL);
  private static final GoStructOffsets GO_OFFSETS = new GoStructOffsets(8, 0, 16, "table go1.19");
  private static final TlsFile GO_SERVER = new TlsFile("8:1:300", "/srv/server", List.of(
      new TlsSite(true, 0x1a2e49, false, List.of("crypto/tls.(*Conn).Write"), TlsSite.GoRole.ENTRY),
      new TlsSite(true, 0x1a3212, false, List.of("crypto/tls.(*Conn).Write"), TlsSite.GoRole.RETURN)), GO_OFFSETS);

  private final FakeProcesses fake = new FakeProcesses();
  private final TlsProcessWatch watch = new TlsProcessWatch(fake, fake);

  @AfterEach
  void close() {
    fake.attachGate = null;
    watch.close();
  }

  @Test
  void onlyProcessesOfWatchedNamespacesGetProbes() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.run(11, OTHER, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    assertEquals(1, fake.attachedTo(10).size());
    assertEquals(List.of(WRITE, READ), fake.attachedTo(10).get(0).sites());
    assertTrue(fake.attachedTo(11).isEmpty());
    assertTrue(watch.probes(10));
    assertFalse(watch.probes(11));
    assertEquals(1, watch.probedProcesses());
    assertEquals(1, fake.watched.get(WATCHED));
  }

  @Test
  void aFileIsProbedOncePerProcessHoweverOftenItIsScanned() {
    fake.run(10, WATCHED, "host", LIBSSL, NODE);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.scan();
    assertEquals(2, fake.attachedTo(10).size());
  }

  @Test
  void aRescanLooksForLibrariesAgainOnlyWhenTheProcessMappedOtherCode() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.maps.put(10, 1L);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.scan();
    watch.scan();
    assertEquals(1, fake.tlsFilesCalls.get(), "unchanged maps: one full look");
    assertEquals(1, watch.fullScans());
    // A library loaded with dlopen: the code mappings change, and the next scan probes it.
    TlsFile loaded = new TlsFile("8:1:300", "/proc/10/map_files/7f00-7f10", List.of(WRITE, READ),
        TlsLibraryKind.BORINGSSL);
    fake.processes.put(10, new FakeProcesses.Proc(WATCHED, 1010, "host", List.of(LIBSSL, loaded)));
    watch.scan();
    assertEquals(1, fake.tlsFilesCalls.get(), "the maps did not change yet: not looked at");
    fake.maps.put(10, 2L);
    watch.scan();
    assertEquals(2, fake.tlsFilesCalls.get());
    assertEquals(List.of("/usr/lib/libssl.so.3", "/proc/10/map_files/7f00-7f10"), watch.probedFiles(10));
  }

  @Test
  void aFileNotYetOpenableIsRetriedAtTheNextScanWithoutAChangeOfMaps() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.maps.put(10, 1L);
    fake.unopenable.add(LIBSSL.identity());
    watch.watch(WATCHED, 1);
    watch.scan();
    assertTrue(watch.probedFiles(10).isEmpty());
    fake.unopenable.clear();
    watch.scan();
    assertEquals(List.of("/usr/lib/libssl.so.3"), watch.probedFiles(10));
    watch.scan();
    assertEquals(2, fake.tlsFilesCalls.get(), "settled: no further full looks");
  }

  @Test
  void unreadableMapsAlwaysGetAFullLook() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.maps.put(10, MapsFingerprint.UNKNOWN);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.scan();
    assertEquals(2, fake.tlsFilesCalls.get());
    assertEquals(1, fake.attachedTo(10).size());
  }

  @Test
  void aDeletedLibraryReachedThroughOneProcesssMapFilesIsNotOfferedToOthersInItsRoot() {
    TlsFile deleted = new TlsFile("8:1:300", "/proc/10/map_files/7f00-7f10", List.of(WRITE, READ),
        TlsLibraryKind.BORINGSSL);
    fake.run(10, WATCHED, "host", LIBSSL, deleted);
    watch.watch(WATCHED, 1);
    watch.scan();
    assertEquals(2, fake.attachedTo(10).size());
    fake.run(20, WATCHED, "host");
    watch.handle(new ProcessEvent(HmAbi.PROCESS_EXEC, 1, 0, 20, 0));
    assertEquals(List.of("/usr/lib/libssl.so.3"), watch.probedFiles(20), "libssl is the root's, the other not");
  }

  /**
   * A JVM of the host's root that loads netty-tcnative gets probes on the root's libssl too (it might map it
   * later), but its flows are BoringSSL's: the label comes from the files it maps itself.
   */
  @Test
  void aProcessIsLabelledWithTheLibraryItUsesNotTheOnesOfItsRoot() {
    TlsFile tcnative = new TlsFile("8:1:400", "/proc/20/map_files/7f00-7f10", List.of(WRITE, READ),
        TlsLibraryKind.BORINGSSL);
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.run(30, WATCHED, "go-image", GO_SERVER, LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    fake.run(20, WATCHED, "host", tcnative);
    watch.handle(new ProcessEvent(HmAbi.PROCESS_EXEC, 1, 0, 20, 0));
    assertEquals(List.of("/usr/lib/libssl.so.3", "/proc/20/map_files/7f00-7f10"), watch.probedFiles(20));
    assertEquals(TlsLibrary.BORINGSSL, watch.libraries().apply(20));
    assertEquals(TlsLibrary.OPENSSL, watch.libraries().apply(10));
    assertEquals(TlsLibrary.OPENSSL, watch.libraries().apply(30), "Go's calls are flagged apart");
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, watch.libraries().apply(40), "never probed");
    // A process that maps both: its calls cannot be told to one of them.
    fake.run(20, WATCHED, "host", tcnative, LIBSSL);
    fake.maps.put(20, 99L);
    watch.scan();
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, watch.libraries().apply(20));
  }

  @Test
  void aProcessThatWentLosesItsProbes() {
    fake.run(10, WATCHED, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    fake.processes.remove(10);
    watch.scan();
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedOf(10).size() == 1);
    assertFalse(watch.probes(10));
    assertEquals(0, watch.detachesPending());
  }

  @Test
  void countsTheMostWatchedProcessesWithProbesOnOneFile() {
    for (int pid = 10; pid < 13; pid++) {
      fake.run(pid, WATCHED, "host", LIBSSL);
    }
    fake.run(13, WATCHED, "host", NODE);
    fake.run(14, OTHER, "host", LIBSSL); // not watched: no probes, so not on the file's uprobes either
    watch.watch(WATCHED, 1);
    watch.scan();
    assertEquals(3, watch.mostProcessesOnOneFile());
    fake.processes.remove(11);
    watch.scan();
    assertEquals(2, watch.mostProcessesOnOneFile());
    watch.unwatch(WATCHED);
    assertEquals(0, watch.mostProcessesOnOneFile());
  }

  @Test
  void aReusedPidIsANewProcess() {
    fake.run(10, WATCHED, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    fake.processes.put(10, new FakeProcesses.Proc(WATCHED, 99999, "host", List.of(LIBSSL)));
    watch.scan();
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedOf(10).size() == 1);
    assertEquals(2, fake.attachedTo(10).size());
    assertTrue(watch.probes(10));
  }

  @Test
  void anExecGetsTheFilesAlreadyKnownInItsRootBeforeItsOwnAreRead() {
    // The system libssl is known from the start; the new process has mapped nothing yet.
    fake.system.add(LIBSSL);
    watch.probeSystemLibraries();
    watch.watch(WATCHED, 1);
    fake.run(20, WATCHED, "host");
    watch.handle(new ProcessEvent(HmAbi.PROCESS_EXEC, 1, 0, 20, 0));
    assertEquals(1, fake.attachedTo(20).size());
    assertEquals("/proc/20/root/usr/lib/libssl.so.3", fake.attachedTo(20).get(0).path().toString());
  }

  @Test
  void aForkGetsItsParentsFiles() {
    fake.run(10, WATCHED, "c1", NODE);
    watch.watch(WATCHED, 1);
    watch.scan();
    fake.run(11, WATCHED, "c2");
    watch.handle(new ProcessEvent(HmAbi.PROCESS_FORK, 1, 0, 11, 10));
    assertEquals(List.of(WRITE), fake.attachedTo(11).get(0).sites());
  }

  @Test
  void anExitDetachesAtOnceAndProcessesElsewhereAreIgnored() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.run(12, OTHER, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.handle(new ProcessEvent(HmAbi.PROCESS_EXEC, 1, 0, 12, 0));
    assertTrue(fake.attachedTo(12).isEmpty());
    watch.handle(new ProcessEvent(HmAbi.PROCESS_EXIT, 1, 0, 10, 0));
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedOf(10).size() == 1);
  }

  @Test
  void unwatchingANamespaceDetachesItsProcesses() {
    fake.run(10, WATCHED, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.unwatch(WATCHED);
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.closedOf(10).size() == 1);
    assertFalse(fake.watched.containsKey(WATCHED));
    assertEquals(0, watch.probedProcesses());
  }

  @Test
  void aLibraryDeletedBetweenTheLookAndTheAttachIsProbedByItsMapFilesNameAtTheNextScan() {
    TlsFile extracted = new TlsFile("8:1:400", "/tmp/libnetty_tcnative_linux_x86_64.so", List.of(WRITE, READ),
        TlsLibraryKind.BORINGSSL);
    TlsFile mapped = new TlsFile("8:1:400", "/proc/10/map_files/7f55-7f56", List.of(WRITE, READ),
        TlsLibraryKind.BORINGSSL);
    fake.run(10, WATCHED, "host", extracted);
    fake.failAttach = true; // the kernel finds no file at the path any more
    fake.onAttach = () -> fake.unopenable.add(extracted.identity());
    watch.watch(WATCHED, 1);
    watch.scan();
    assertFalse(watch.probes(10));
    assertEquals(0, watch.attachFailures());

    fake.failAttach = false;
    fake.onAttach = null;
    fake.unopenable.clear();
    fake.run(10, WATCHED, "host", mapped); // the prober now names the deleted library by map_files
    watch.scan();
    assertTrue(watch.probes(10));
    assertEquals(Path.of("/proc/10/root/proc/10/map_files/7f55-7f56"), fake.attachedTo(10).get(0).path());
  }

  @Test
  void aFileThatCannotBeProbedIsCountedOnceAndNotRetriedEveryScan() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.failAttach = true;
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.scan();
    assertEquals(1, watch.attachFailures());
    assertFalse(watch.probes(10));
  }

  @Test
  void reportsBeyondWhatCanBeQueuedAreCountedAndTheScanMakesUpForThem() {
    fake.run(10, WATCHED, "host", LIBSSL);
    watch.watch(WATCHED, 1);
    fake.attachGate = new CountDownLatch(1);
    for (int i = 0; i < 10_000; i++) {
      watch.onProcessEvent(new ProcessEvent(HmAbi.PROCESS_EXEC, 1, 0, 10, 0));
    }
    assertTrue(watch.eventsDropped() > 0);
    fake.attachGate.countDown();
    fake.attachGate = null;
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.probes(10));
  }

  @Test
  void closingDetachesEverything() {
    fake.run(10, WATCHED, "host", LIBSSL);
    fake.run(11, WATCHED, "host", LIBSSL, NODE);
    watch.watch(WATCHED, 1);
    watch.scan();
    watch.close();
    assertEquals(3, fake.closed.size());
  }

  @Test
  void aGoBinaryIsProbedWithItsStructOffsetsAndACgoLibsslBesideIt() {
    fake.run(10, WATCHED, "host", GO_SERVER, LIBSSL);
    watch.watch(WATCHED, 1);
    watch.scan();
    List<FakeProcesses.Attached> a = fake.attachedTo(10);
    assertEquals(2, a.size());
    assertEquals(GO_OFFSETS, a.get(0).go());
    assertEquals(GO_SERVER.sites(), a.get(0).sites());
    assertEquals(null, a.get(1).go(), "libssl is attached the OpenSSL way");
  }
}
