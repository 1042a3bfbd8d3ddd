package io.hybridmesh.controller.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.ContainerProbe.Target;
import io.hybridmesh.controller.facts.ProbeCostClass;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsCallCostTest {

  static final String LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
  static final UprobePairCost KVM = new UprobePairCost(1_400L, 13_800L, null);

  static Target at(String symbol, long entry, long probed, ProbeCostClass cost) {
    return new Target(symbol, LIBSSL, true, null, entry, probed, "push %r14", cost, "why");
  }

  /** OpenSSL 3 as Debian builds it: both writes share the internal function, both reads probed at entry. */
  static final ContainerProbe SHARED_WRITE = new ContainerProbe("/usr/sbin/nginx", "OPENSSL", "DYNAMIC", List.of(
      at("SSL_write", 0x35500, 0x355a0, ProbeCostClass.EMULATED),
      at("SSL_write_ex", 0x35600, 0x355a0, ProbeCostClass.EMULATED),
      at("SSL_read", 0x35300, 0x35300, ProbeCostClass.EMULATED),
      at("SSL_read_ex", 0x35400, 0x35400, ProbeCostClass.SINGLE_STEPPED),
      new Target("SSL_peek", LIBSSL, false, "not exported")), null, null);

  static List<TlsCallCost.Site> sites(ContainerProbe p) {
    return TlsCallCost.sitesOfProbes(Map.of("nginx", p));
  }

  @Test
  void theMeanOverDistinctSitesOfEachSitesPairCost() {
    List<TlsCallCost.Site> sites = sites(SHARED_WRITE);
    assertEquals(3, sites.size(), "SSL_write and SSL_write_ex share one site; the unresolved one has none");
    TlsCallCost.Estimate e = TlsCallCost.estimate("EBPF", sites, KVM);
    assertEquals(Math.round((1_400 + 1_400 + 13_800) / 3.0), e.nanos());
    assertEquals(3, e.sites());
    assertEquals(1, e.singleStepped());
    assertNull(e.whyNot());
  }

  @Test
  void sslSetFdIsHitOncePerConnectionAndIsNoTlsCallsSite() {
    ContainerProbe p = new ContainerProbe("/usr/sbin/nginx", "OPENSSL", "DYNAMIC", List.of(
        at("SSL_write", 1, 1, ProbeCostClass.EMULATED), at("SSL_read", 2, 2, ProbeCostClass.EMULATED),
        at("SSL_set_fd", 3, 3, ProbeCostClass.SINGLE_STEPPED)), null, null);
    TlsCallCost.Estimate e = TlsCallCost.estimate("EBPF", sites(p), KVM);
    assertEquals(2, e.sites());
    assertEquals(1_400L, e.nanos(), "the per-connection probe's single step is no TLS call's");
  }

  @Test
  void allEmulatedNeedsOnlyTheEmulatedMeasurement() {
    ContainerProbe p = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
        at("SSL_write", 1, 1, ProbeCostClass.EMULATED), at("SSL_read", 2, 2, ProbeCostClass.EMULATED)), null, null);
    TlsCallCost.Estimate e = TlsCallCost.estimate("EBPF", sites(p),
        new UprobePairCost(1_400L, null, "cannot single-step here"));
    assertEquals(1_400L, e.nanos());
    assertEquals(0, e.singleStepped());
  }

  @Test
  void aSingleSteppedSiteOnANodeThatDidNotMeasureSingleStepsIsNotKnownAndSaysWhy() {
    TlsCallCost.Estimate e = TlsCallCost.estimate("EBPF", sites(SHARED_WRITE),
        new UprobePairCost(1_400L, null, "return probes could not be measured"));
    assertNull(e.nanos());
    assertEquals(1, e.singleStepped());
    assertTrue(e.whyNot().contains("single-stepped") && e.whyNot().contains("return probes could not be measured"),
        e.whyNot());
    TlsCallCost.Estimate none = TlsCallCost.estimate("EBPF", sites(SHARED_WRITE),
        UprobePairCost.notMeasured("no agent has measured it on this node yet"));
    assertTrue(none.whyNot().contains("emulated and single-stepped") && none.whyNot().endsWith("yet."),
        none.whyNot());
  }

  @Test
  void aSiteWhoseCostIsNotKnownMakesTheWholeEstimateUnknown() {
    ContainerProbe older = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
        at("SSL_write", 1, 1, ProbeCostClass.EMULATED),
        new Target("SSL_read", LIBSSL, true, null, 2L, null, null, null, null)), null, null);
    TlsCallCost.Estimate e = TlsCallCost.estimate("EBPF", sites(older), KVM);
    assertNull(e.nanos());
    assertTrue(e.whyNot().contains("1 of the 2"), e.whyNot());
    ContainerProbe newer = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
        at("SSL_write", 1, 1, ProbeCostClass.UNKNOWN)), null, null);
    assertNull(TlsCallCost.estimate("EBPF", sites(newer), KVM).nanos());
  }

  @Test
  void twoTargetsThatDisagreeOnOneSitesClassLeaveItUnknown() {
    ContainerProbe p = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
        at("SSL_write", 1, 9, ProbeCostClass.EMULATED), at("SSL_write_ex", 2, 9, ProbeCostClass.SINGLE_STEPPED)),
        null, null);
    assertEquals(List.of(ProbeCostClass.UNKNOWN), sites(p).stream().map(TlsCallCost.Site::cost).toList());
  }

  @Test
  void noUprobesNoEstimate() {
    TlsCallCost.Estimate sidecar = TlsCallCost.estimate("SIDECAR", sites(SHARED_WRITE), KVM);
    assertNull(sidecar.nanos());
    assertTrue(sidecar.whyNot().contains("SIDECAR"), sidecar.whyNot());
    ContainerProbe plaintext = new ContainerProbe("/usr/bin/app", "NONE", "NONE", List.of(), null, null);
    assertTrue(TlsCallCost.estimate("EBPF", sites(plaintext), KVM).whyNot().contains("No TLS function"));
    Map<String, ContainerProbe> unprobed = new LinkedHashMap<>();
    unprobed.put("app", null);
    assertEquals(List.of(), TlsCallCost.sitesOfProbes(unprobed));
  }

  @Test
  void theSameFileInTwoContainersIsTwoSites() {
    Map<String, ContainerProbe> two = new LinkedHashMap<>();
    two.put("a", SHARED_WRITE);
    two.put("b", SHARED_WRITE);
    assertEquals(6, TlsCallCost.sitesOfProbes(two).size(), "each container's image has its own libssl");
  }

  @Test
  void reportsAndProbesGiveTheSameSites() {
    ContainerReport.Builder c = ContainerReport.newBuilder().setName("nginx");
    SHARED_WRITE.targets().stream().filter(Target::resolved).forEach(t -> c.addProbeSites(WorkloadReports.probeSite(
        t.symbol(), t.file(), t.offset(), t.probeOffset(), t.instruction(), t.cost(), t.site())));
    assertEquals(sites(SHARED_WRITE), TlsCallCost.sitesOfReports(List.of(c.build())));
  }

  @Test
  void wordsForPeople() {
    assertEquals("2 sites, both emulated", TlsCallCost.describeSites(2, 0));
    assertEquals("1 site, single-stepped", TlsCallCost.describeSites(1, 1));
    assertEquals("3 sites, 1 single-stepped", TlsCallCost.describeSites(3, 1));
    assertEquals("4 sites, all single-stepped", TlsCallCost.describeSites(4, 4));
    assertEquals("0.8 µs", TlsCallCost.micros(820));
    assertEquals("1.4 µs", TlsCallCost.micros(1_400));
    assertEquals("14 µs", TlsCallCost.micros(13_800));
    assertEquals("9.9 µs", TlsCallCost.micros(9_940));
    assertEquals("10 µs", TlsCallCost.micros(9_980));
  }

  @Test
  void aGoFunctionIsOneCallSiteAsDearAsItsReturns() {
    // Go: an entry on the stack check's jbe (emulated) and every ret (single-stepped) of Write and of Read.
    String bin = "/app/server";
    List<Target> t = new java.util.ArrayList<>();
    for (String f : List.of("crypto/tls.(*Conn).Write", "crypto/tls.(*Conn).Read")) {
      long entry = f.endsWith("Write") ? 0x1000 : 0x2000;
      t.add(new Target(f, bin, true, null, entry, entry + 9, "jbe", ProbeCostClass.EMULATED, "why"));
      for (int r = 1; r <= 3; r++) {
        t.add(new Target(f + "+0x" + Integer.toHexString(0x100 * r), bin, true, null, entry, entry + 0x100L * r,
            "ret", ProbeCostClass.SINGLE_STEPPED, "why"));
      }
    }
    List<TlsCallCost.Site> sites = sites(new ContainerProbe(bin, "GO_CRYPTO_TLS", "STATIC", t, "go1.19.8", null));
    assertEquals(2, sites.size(), "a call enters once and returns once: " + sites);
    assertTrue(sites.stream().allMatch(s -> s.cost() == ProbeCostClass.SINGLE_STEPPED));
    assertEquals(13_800L, TlsCallCost.estimate("EBPF", sites, KVM).nanos());
  }

  @Test
  void aGoReadProbedAtItsDeferredUnlockCostsItsEntryAndTheUnlockNotItsRareRets() {
    // Read: entry on the jbe, its deferred unlock closure's jbe (both emulated), and the two rets before its
    // lock (single-stepped, reached only on an empty buffer or a failed handshake). Write: entry only, its rets
    // unprobed where it is reported at its send.
    String bin = "/app/server";
    String read = "crypto/tls.(*Conn).Read";
    List<Target> t = List.of(
        new Target("crypto/tls.(*Conn).Write", bin, true, null, 0x1000L, 0x1009L, "jbe", ProbeCostClass.EMULATED, "w"),
        new Target(read, bin, true, null, 0x2000L, 0x2009L, "jbe", ProbeCostClass.EMULATED, "why"),
        new Target(read + "+0x104", bin, true, null, 0x2000L, 0x2104L, "ret", ProbeCostClass.SINGLE_STEPPED, "why"),
        new Target(read + "+0x131", bin, true, null, 0x2000L, 0x2131L, "ret", ProbeCostClass.SINGLE_STEPPED, "why"),
        new Target(read + ".deferwrap1", bin, true, null, 0x2400L, 0x2404L, "jbe", ProbeCostClass.EMULATED, "why"),
        new Target("crypto/tls.(*Conn).serverHandshake", bin, true, null, 0x3000L, 0x3000L, "sub",
            ProbeCostClass.SINGLE_STEPPED, "once per connection"));
    List<TlsCallCost.Site> sites = sites(new ContainerProbe(bin, "GO_CRYPTO_TLS", "STATIC", t, "go1.23.8", null));
    assertEquals(2, sites.size(), "Write and Read, each one call; the handshake is per connection: " + sites);
    assertTrue(sites.stream().allMatch(s -> s.cost() == ProbeCostClass.EMULATED), sites.toString());
    assertEquals(1_400L, TlsCallCost.estimate("EBPF", sites, KVM).nanos());
  }
}
