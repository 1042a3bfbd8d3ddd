package io.hybridmesh.controller.decision;

import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.controller.decision.Decision.DataPath;
import io.hybridmesh.controller.decision.Decision.Reason;
import io.hybridmesh.controller.decision.Decision.Visibility;
import io.hybridmesh.controller.decision.Inputs.Container;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecisionEngineTest {

  private static final NodeFacts CAPABLE =
      new NodeFacts("node-a", "6.18.0", EnumSet.allOf(KernelFeature.class), false);
  private static final NodeFacts NO_BTF = new NodeFacts("node-old", "5.4.0",
      EnumSet.complementOf(EnumSet.of(KernelFeature.BTF, KernelFeature.TASK_BTF)), false);
  private static final NodeFacts NO_RINGBUF = new NodeFacts("node-ancient", "4.19.0",
      EnumSet.of(KernelFeature.TC_BPF, KernelFeature.UPROBES), false);
  /** What the agent reads today. */
  private static final Set<ProbeKind> TODAY = Set.of(ProbeKind.PLAINTEXT, ProbeKind.OPENSSL);

  private static final Container PLAIN = new Container("web", "NONE", ProbeKind.PLAINTEXT, true);
  private static final Container OPENSSL = new Container("api", "OPENSSL", ProbeKind.OPENSSL, true);
  private static final Container GO = new Container("gw", "GO_CRYPTO_TLS", ProbeKind.GO_CRYPTO_TLS, true);
  private static final Container GNUTLS = new Container("cli", "GNUTLS", ProbeKind.GNUTLS, true);
  private static final Container NSS = new Container("ff", "NSS", ProbeKind.NSS, true);
  private static final Container STRIPPED = new Container("bin", "UNKNOWN", null, false);
  private static final Container JAVA = new Container("svc", "JSSE", null, false);
  private static final Container RUST = new Container("edge", "RUSTLS", null, false);
  private static final Container OPENSSL_NO_TARGETS = new Container("odd", "OPENSSL", ProbeKind.OPENSSL, false);

  private static Decision auto(List<NodeFacts> nodes, Container... containers) {
    return DecisionEngine.decide(new Inputs(Mode.AUTO, Fallback.SIDECAR, nodes, List.of(containers), TODAY));
  }

  private static Set<ReasonCode> codes(Decision d) {
    return d.reasons().stream().map(Decision.Reason::code).collect(Collectors.toSet());
  }

  @Test
  void plaintextOnACapableNodeIsEbpfFull() {
    Decision d = auto(List.of(CAPABLE), PLAIN);
    assertEquals(DataPath.EBPF, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility());
    assertEquals(ReasonCode.TLS_NONE, d.headline().code());
  }

  @Test
  void openSslWithResolvingTargetsIsEbpfFull() {
    Decision d = auto(List.of(CAPABLE), OPENSSL);
    assertEquals(DataPath.EBPF, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility());
    assertEquals(ReasonCode.UPROBE_TARGETS_OK, d.headline().code());
  }

  @Test
  void eitherKindOfSocketHookServesTheTlsPath() {
    NodeFacts socketOnly = new NodeFacts("node-s", "6.18.0",
        EnumSet.complementOf(EnumSet.of(KernelFeature.SYSCALL_TRACEPOINTS)), false);
    NodeFacts syscallsOnly = new NodeFacts("node-y", "5.15.0",
        EnumSet.complementOf(EnumSet.of(KernelFeature.SOCKET_TRACEPOINTS)), false);
    for (NodeFacts n : List.of(socketOnly, syscallsOnly)) {
      assertTrue(n.canReadTls(), n.node());
      assertEquals(List.of(), n.missingForTls(), n.node());
      assertEquals(DataPath.EBPF, auto(List.of(n), OPENSSL).dataPath(), n.node());
    }
  }

  @Test
  void aNodeWithNeitherSocketHookSaysSoAndGetsASidecar() {
    NodeFacts neither = new NodeFacts("node-n", "5.10.0", EnumSet.complementOf(
        EnumSet.of(KernelFeature.SYSCALL_TRACEPOINTS, KernelFeature.SOCKET_TRACEPOINTS)), false);
    assertEquals(List.of(KernelFeature.SYSCALL_TRACEPOINTS), neither.missingForTls());
    Decision d = auto(List.of(neither), OPENSSL);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertTrue(codes(d).contains(ReasonCode.KERNEL_NO_TRACEPOINTS));
    assertTrue(d.reasons().stream().anyMatch(r -> r.message().contains("neither the socket tracepoints")),
        d.reasons().toString());
  }

  @Test
  void aNodeWithoutBtfSendsTlsWorkloadsToASidecarThatSeesOnlyMetadata() {
    Decision d = auto(List.of(NO_BTF), OPENSSL);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertEquals(Visibility.TLS_METADATA_ONLY, d.visibility());
    assertTrue(codes(d).contains(ReasonCode.KERNEL_NO_BTF));
    assertTrue(d.reasons().stream().anyMatch(r -> r.message().contains("node-old (5.4.0)")));
  }

  @Test
  void plaintextNeedsTheSocketProgramsWhichNeedBtfAndARingBuffer() {
    Decision noBtf = auto(List.of(NO_BTF), PLAIN);
    assertEquals(DataPath.SIDECAR, noBtf.dataPath());
    assertEquals(ReasonCode.PLAINTEXT_PROBES_UNSUPPORTED, noBtf.headline().code());
    Decision d = auto(List.of(NO_RINGBUF), PLAIN);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility(), "a sidecar sees a plaintext app fully");
    assertTrue(codes(d).contains(ReasonCode.KERNEL_NO_RINGBUF));
  }

  /** A capable kernel whose agent does not say it reads plaintext: older than that, or --plaintext off. */
  private static final NodeFacts NO_PLAINTEXT_AGENT = new NodeFacts("node-b", "6.18.0",
      EnumSet.complementOf(EnumSet.of(KernelFeature.PLAINTEXT_SOCKET, KernelFeature.PLAINTEXT_TC)), false);

  /** An agent that reads plaintext HTTP/1.x in its TC programs (--plaintext tc), not at the sockets. */
  private static final NodeFacts PLAINTEXT_AT_TC = new NodeFacts("node-c", "6.18.0",
      EnumSet.complementOf(EnumSet.of(KernelFeature.PLAINTEXT_SOCKET)), false);

  @Test
  void plaintextReadAtTcKeepsTheEbpfPathAndSaysWhatThatReaderLeavesOut() {
    Decision d = auto(List.of(CAPABLE, PLAINTEXT_AT_TC), PLAIN);
    assertEquals(DataPath.EBPF, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility(), "method, path, status and latency");
    Reason plain = d.reasons().stream().filter(r -> r.code() == ReasonCode.TLS_NONE).findFirst().orElseThrow();
    assertTrue(plain.message().contains("on node-c in the TC programs instead (--plaintext tc)"), plain.message());
    assertTrue(plain.message().contains("not HTTP/2"), plain.message());
    assertEquals(List.of(), PLAINTEXT_AT_TC.missingForL7(), "nothing missing for how it reads");
    // A kernel without a ring buffer reads nothing at TC either.
    NodeFacts tcNoRingbuf = new NodeFacts("node-d", "6.18.0", EnumSet.complementOf(EnumSet.of(
        KernelFeature.PLAINTEXT_SOCKET, KernelFeature.RINGBUF)), false);
    assertEquals(DataPath.SIDECAR, auto(List.of(tcNoRingbuf), PLAIN).dataPath());
  }

  @Test
  void plaintextIsReadOnlyWhereTheNodesAgentSaysItReadsIt() {
    Decision d = auto(List.of(NO_PLAINTEXT_AGENT), PLAIN);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility());
    assertEquals(ReasonCode.PLAINTEXT_PROBES_UNSUPPORTED, d.headline().code());
    assertTrue(d.headline().message().contains("the agent on node-b does not read HTTP at the socket"),
        d.headline().message());
    assertTrue(d.headline().message().contains("--plaintext off"), d.headline().message());

    Decision mixed = auto(List.of(CAPABLE, NO_PLAINTEXT_AGENT), PLAIN);
    assertEquals(DataPath.SIDECAR, mixed.dataPath(), "decided for the weakest node");
    assertTrue(mixed.headline().message().contains("node-b") && !mixed.headline().message().contains("node-a"));

    Decision l4 = DecisionEngine.decide(new Inputs(Mode.AUTO, Fallback.NONE, List.of(NO_PLAINTEXT_AGENT),
        List.of(PLAIN), TODAY));
    assertEquals(DataPath.EBPF, l4.dataPath());
    assertEquals(Visibility.L4_ONLY, l4.visibility());

    // The same nodes' TLS workloads are not affected: plaintext reading is their agents' extra.
    assertEquals(DataPath.EBPF, auto(List.of(NO_PLAINTEXT_AGENT), OPENSSL).dataPath());
  }

  private static Decision autoSeen(String observed, List<NodeFacts> nodes, Fallback fallback, Container... cs) {
    return DecisionEngine.decide(new Inputs(Mode.AUTO, fallback, nodes, List.of(cs), TODAY,
        ObservedPorts.parse(observed).value().orElseThrow()));
  }

  @Test
  void tlsTheAgentCannotReadButNeverSeenOnTheWireIsReadAtTheSocket() {
    for (Container c : List.of(STRIPPED, JAVA, RUST, GO, OPENSSL_NO_TARGETS)) {
      Decision d = autoSeen("in/8080=http out/5432=other", List.of(CAPABLE), Fallback.SIDECAR, c);
      assertEquals(DataPath.EBPF, d.dataPath(), c.toString());
      assertEquals(Visibility.FULL, d.visibility(), c.toString());
      assertEquals(ReasonCode.TLS_UNUSED_PLAINTEXT_SEEN, d.headline().code(), c.toString());
      assertTrue(d.headline().message().contains("(in/8080=http out/5432=other)"), d.headline().message());
      assertTrue(d.headline().message().contains("Should one begin with TLS, it needs a sidecar"));
    }
    // Beside a readable container the pod as a whole is read in full.
    assertEquals(Visibility.FULL, autoSeen("in/80=http", List.of(CAPABLE), Fallback.SIDECAR, OPENSSL, STRIPPED)
        .visibility());
  }

  @Test
  void anyTlsOnTheWireOrNoHttpOrAFullSetOrNoPlaintextAgentKeepsTheSidecar() {
    for (String observed : List.of("in/8080=http out/443=tls", "in/8443=tls", "out/5432=other", "",
        "in/8080=http +")) {
      Decision d = autoSeen(observed, List.of(CAPABLE), Fallback.SIDECAR, STRIPPED);
      assertEquals(DataPath.SIDECAR, d.dataPath(), observed);
      assertEquals(ReasonCode.TLS_STATIC_STRIPPED, d.headline().code(), observed);
    }
    Decision noAgent = autoSeen("in/8080=http", List.of(NO_PLAINTEXT_AGENT), Fallback.SIDECAR, STRIPPED);
    assertEquals(DataPath.SIDECAR, noAgent.dataPath());
    // fallback none: on eBPF at L4 before anything was seen, in full once plaintext HTTP was.
    assertEquals(Visibility.L4_ONLY, autoSeen("", List.of(CAPABLE), Fallback.NONE, STRIPPED).visibility());
    assertEquals(Visibility.FULL, autoSeen("in/8080=http", List.of(CAPABLE), Fallback.NONE, STRIPPED).visibility());
  }

  @Test
  void plaintextIsUnreadableWhereNoAgentSupportsItWhateverTheNodesSay() {
    Decision d = DecisionEngine.decide(new Inputs(Mode.AUTO, Fallback.SIDECAR, List.of(CAPABLE), List.of(PLAIN),
        Set.of(ProbeKind.OPENSSL)));
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertEquals(ReasonCode.PLAINTEXT_PROBES_UNSUPPORTED, d.headline().code());
  }

  @Test
  void everyLibraryTheAgentCannotReadYetGetsASidecarWithItsOwnCode() {
    assertEquals(ReasonCode.TLS_GO_PROBES_UNSUPPORTED, auto(List.of(CAPABLE), GO).headline().code());
    assertEquals(ReasonCode.TLS_GNUTLS_PROBES_UNSUPPORTED, auto(List.of(CAPABLE), GNUTLS).headline().code());
    assertEquals(ReasonCode.TLS_NSS_PROBES_UNSUPPORTED, auto(List.of(CAPABLE), NSS).headline().code());
    assertEquals(ReasonCode.TLS_STATIC_STRIPPED, auto(List.of(CAPABLE), STRIPPED).headline().code());
    assertEquals(ReasonCode.TLS_JSSE, auto(List.of(CAPABLE), JAVA).headline().code());
    assertEquals(ReasonCode.TLS_RUSTLS, auto(List.of(CAPABLE), RUST).headline().code());
    assertEquals(ReasonCode.UPROBE_TARGETS_MISSING, auto(List.of(CAPABLE), OPENSSL_NO_TARGETS).headline().code());
    for (Container c : List.of(GO, GNUTLS, NSS, STRIPPED, JAVA, RUST, OPENSSL_NO_TARGETS)) {
      Decision d = auto(List.of(CAPABLE), c);
      assertEquals(DataPath.SIDECAR, d.dataPath(), c.name());
      assertEquals(Visibility.TLS_METADATA_ONLY, d.visibility(), c.name());
    }
  }

  @Test
  void supportingAProbeKindFlipsItsWorkloadsWithoutTouchingTheEngine() {
    Set<ProbeKind> withGo = EnumSet.of(ProbeKind.PLAINTEXT, ProbeKind.OPENSSL, ProbeKind.GO_CRYPTO_TLS);
    Decision d = DecisionEngine.decide(new Inputs(Mode.AUTO, Fallback.SIDECAR, List.of(CAPABLE), List.of(GO), withGo));
    assertEquals(DataPath.EBPF, d.dataPath());
    assertEquals(Visibility.FULL, d.visibility());
  }

  @Test
  void fallbackNoneKeepsAnUnreadableWorkloadOnEbpfAtL4() {
    Decision d = DecisionEngine.decide(
        new Inputs(Mode.AUTO, Fallback.NONE, List.of(CAPABLE), List.of(JAVA), TODAY));
    assertEquals(DataPath.EBPF, d.dataPath());
    assertEquals(Visibility.L4_ONLY, d.visibility());
    assertEquals(ReasonCode.FALLBACK_NONE, d.headline().code());
    Decision nothing = DecisionEngine.decide(
        new Inputs(Mode.AUTO, Fallback.NONE, List.of(NO_RINGBUF), List.of(JAVA), TODAY));
    assertEquals(DataPath.NONE, nothing.dataPath());
    assertEquals(Visibility.NONE, nothing.visibility());
  }

  @Test
  void mixedKernelsAreDecidedForTheWeakestNode() {
    Decision d = auto(List.of(CAPABLE, NO_BTF), OPENSSL);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertTrue(codes(d).containsAll(Set.of(ReasonCode.KERNEL_MIXED, ReasonCode.KERNEL_NO_BTF)));
  }

  @Test
  void oneUnreadableContainerDecidesThePod() {
    Decision d = auto(List.of(CAPABLE), OPENSSL, GO);
    assertEquals(DataPath.SIDECAR, d.dataPath());
    assertEquals(ReasonCode.TLS_GO_PROBES_UNSUPPORTED, d.headline().code(), "what blocked comes first");
    assertTrue(codes(d).contains(ReasonCode.UPROBE_TARGETS_OK));
  }

  @Test
  void aGuessFromTheKernelVersionIsSaid() {
    NodeFacts guessed = new NodeFacts("node-new", "6.1.0", EnumSet.allOf(KernelFeature.class), true);
    assertTrue(codes(auto(List.of(guessed), OPENSSL)).contains(ReasonCode.KERNEL_GUESS));
  }

  @Test
  void withoutNodeFactsTheDecisionWaits() {
    Decision d = auto(List.of(), OPENSSL);
    assertEquals(DataPath.PENDING, d.dataPath());
    assertEquals(ReasonCode.NO_NODE_FACTS, d.headline().code());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyModeOnEveryKindOfWorkload(Mode mode) {
    for (List<NodeFacts> nodes : List.of(List.of(CAPABLE), List.of(NO_BTF), List.of(NO_RINGBUF))) {
      for (Container c : List.of(PLAIN, OPENSSL, GO, JAVA)) {
        Decision d = DecisionEngine.decide(new Inputs(mode, Fallback.SIDECAR, nodes, List.of(c), TODAY));
        assertTrue(!d.reasons().isEmpty() && !d.headline().message().isBlank());
        switch (mode) {
          case OFF -> assertEquals(DataPath.NONE, d.dataPath());
          case EBPF -> {
            assertEquals(DataPath.EBPF, d.dataPath());
            assertEquals(ReasonCode.MODE_EBPF_REQUESTED, d.headline().code());
          }
          case SIDECAR -> {
            assertEquals(DataPath.SIDECAR, d.dataPath());
            assertEquals(c == PLAIN ? Visibility.FULL : Visibility.TLS_METADATA_ONLY, d.visibility());
          }
          case AUTO -> assertTrue(d.dataPath() == DataPath.EBPF || d.dataPath() == DataPath.SIDECAR);
        }
        // Deterministic: the same inputs, the same decision.
        assertEquals(d, DecisionEngine.decide(new Inputs(mode, Fallback.SIDECAR, nodes, List.of(c), TODAY)));
      }
    }
  }

  @Test
  void ebpfRequestedWhereItIsBlindSaysSo() {
    Decision d = DecisionEngine.decide(
        new Inputs(Mode.EBPF, Fallback.SIDECAR, List.of(CAPABLE), List.of(GO), TODAY));
    assertEquals(Visibility.L4_ONLY, d.visibility());
    assertTrue(d.headline().message().contains("connections only"));
    assertTrue(codes(d).contains(ReasonCode.TLS_GO_PROBES_UNSUPPORTED));
  }
}
