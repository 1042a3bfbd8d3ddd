package io.hybridmesh.controller.decision;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a node's kernel offers the data path, and what a uprobe costs there.
 *
 * @param guess true when judged from the kernel version alone (before an agent ran there):
 *     distributions backport features, so the answer may be wrong either way
 * @param uprobeCost what an entry+return uprobe pair costs on this node, as its agent measured it; not
 *     measured (never null) when guessed or when the agent could not measure. It is a fact for the report,
 *     never for the decision: the data path does not change with it.
 */
public record NodeFacts(String node, String kernelRelease, Set<KernelFeature> features, boolean guess,
    UprobePairCost uprobeCost) {

  public NodeFacts {
    features = Set.copyOf(features);
    uprobeCost = Objects.requireNonNullElse(uprobeCost, UprobePairCost.NONE);
  }

  /** Facts with no measured uprobe cost. */
  public NodeFacts(String node, String kernelRelease, Set<KernelFeature> features, boolean guess) {
    this(node, kernelRelease, features, guess, UprobePairCost.NONE);
  }

  /** L3/L4 connection flows: TC programs reporting through the ring buffer. */
  public boolean canObserveConnections() {
    return features.containsAll(Set.of(KernelFeature.TC_BPF, KernelFeature.RINGBUF));
  }

  /**
   * The kernel features reading HTTP inside TLS needs, connections' among them, in the order reports list
   * them. {@link KernelFeature#SYSCALL_TRACEPOINTS} stands for "a way to find the socket behind a TLS call":
   * the socket tracepoints ({@link KernelFeature#SOCKET_TRACEPOINTS}, Linux 6.3) serve as well and are what
   * the agent prefers, so a node with either has it.
   */
  public static final List<KernelFeature> TLS_NEEDS = List.of(KernelFeature.BTF, KernelFeature.RINGBUF,
      KernelFeature.TC_BPF, KernelFeature.UPROBES, KernelFeature.SYSCALL_TRACEPOINTS, KernelFeature.TASK_BTF);

  /** HTTP inside TLS: uprobes, a hook that names the socket, and CO-RE reads of kernel structures. */
  public boolean canReadTls() {
    return missingForTls().isEmpty();
  }

  /**
   * What reading plaintext HTTP at the socket needs: connections' features, CO-RE with task BTF, and an agent
   * that says it reads plaintext ({@link KernelFeature#PLAINTEXT_SOCKET}: its socket programs loaded and
   * {@code --plaintext} is not off).
   */
  public static final List<KernelFeature> PLAINTEXT_NEEDS = List.of(KernelFeature.BTF, KernelFeature.RINGBUF,
      KernelFeature.TC_BPF, KernelFeature.TASK_BTF, KernelFeature.PLAINTEXT_SOCKET);

  /**
   * What reading plaintext HTTP/1.x in the TC programs needs ({@code --plaintext tc}): connections' features,
   * and an agent that says it reads there ({@link KernelFeature#PLAINTEXT_TC}).
   */
  public static final List<KernelFeature> PLAINTEXT_TC_NEEDS = List.of(KernelFeature.BTF, KernelFeature.RINGBUF,
      KernelFeature.TC_BPF, KernelFeature.PLAINTEXT_TC);

  /** Plaintext HTTP read by this node's agent, at the TCP sockets or in its TC programs. */
  public boolean canReadPlaintext() {
    return features.containsAll(PLAINTEXT_NEEDS) || readsPlaintextAtTc();
  }

  /**
   * Plaintext HTTP/1.x read in the TC programs ({@code --plaintext tc}), which see less than the socket hooks;
   * an agent reads in one place, and where both are said the sockets are the one.
   */
  public boolean readsPlaintextAtTc() {
    return features.containsAll(PLAINTEXT_TC_NEEDS) && !features.contains(KernelFeature.PLAINTEXT_SOCKET);
  }

  /**
   * What this node lacks of {@link #TLS_NEEDS} and then of what its way of reading plaintext needs
   * ({@link #PLAINTEXT_NEEDS}, or {@link #PLAINTEXT_TC_NEEDS} where it reads at TC), each once, in that order.
   */
  public List<KernelFeature> missingForL7() {
    List<KernelFeature> plaintext = readsPlaintextAtTc() ? PLAINTEXT_TC_NEEDS : PLAINTEXT_NEEDS;
    return java.util.stream.Stream.concat(TLS_NEEDS.stream(), plaintext.stream()).distinct()
        .filter(f -> !has(f)).toList();
  }

  /** What this kernel lacks of {@link #TLS_NEEDS}, the socket hooks missing only when neither kind is there. */
  public List<KernelFeature> missingForTls() {
    return TLS_NEEDS.stream().filter(f -> !has(f)).toList();
  }

  private boolean has(KernelFeature f) {
    return features.contains(f)
        || f == KernelFeature.SYSCALL_TRACEPOINTS && features.contains(KernelFeature.SOCKET_TRACEPOINTS);
  }
}
