package io.hybridmesh.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbedLibrariesTest {

  private final ProbedLibraries libraries = new ProbedLibraries();

  @Test
  void aProcessIsLabelledWithItsOneLibraryGoLeftOut() {
    libraries.probed(1, List.of(TlsLibraryKind.BORINGSSL));
    libraries.probed(2, List.of(TlsLibraryKind.OPENSSL, TlsLibraryKind.GO_CRYPTO_TLS));
    libraries.probed(3, List.of(TlsLibraryKind.OPENSSL, TlsLibraryKind.BORINGSSL));
    assertEquals(TlsLibrary.BORINGSSL, libraries.apply(1));
    assertEquals(TlsLibrary.OPENSSL, libraries.apply(2));
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, libraries.apply(3), "two libraries: a call is either's");
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, libraries.apply(4), "never probed");
    assertNull(ProbedLibraries.label(List.of(TlsLibraryKind.GO_CRYPTO_TLS)), "Go alone: no label to keep");
  }

  @Test
  void aReusedPidTakesItsNewLabelAndGoOnlyKeepsTheOld() {
    libraries.probed(1, List.of(TlsLibraryKind.OPENSSL));
    libraries.probed(1, List.of(TlsLibraryKind.BORINGSSL));
    assertEquals(TlsLibrary.BORINGSSL, libraries.apply(1));
    libraries.probed(1, List.of(TlsLibraryKind.GO_CRYPTO_TLS));
    assertEquals(TlsLibrary.BORINGSSL, libraries.apply(1));
  }

  @Test
  void boundedTheLeastRecentlyProbedGoFirst() {
    for (int pid = 1; pid <= ProbedLibraries.MAX_PROCESSES + 10; pid++) {
      libraries.probed(pid, List.of(TlsLibraryKind.BORINGSSL));
    }
    assertEquals(ProbedLibraries.MAX_PROCESSES, libraries.size());
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, libraries.apply(1));
    assertEquals(TlsLibrary.BORINGSSL, libraries.apply(ProbedLibraries.MAX_PROCESSES + 10));
  }

  @Test
  void everyKindHasALabel() {
    for (TlsLibraryKind k : TlsLibraryKind.values()) {
      ProbedLibraries.of(k);
    }
    assertEquals(TlsLibrary.TLS_LIBRARY_UNKNOWN, ProbedLibraries.of(TlsLibraryKind.NONE));
  }
}
