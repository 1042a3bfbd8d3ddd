package io.hybridmesh.agent.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsSitesTest {

  private static final String LIB = "/usr/lib/libssl.so.3";

  @Test
  void entriesKeepOneSiteEachWithTheShapeTheirNameSays() {
    List<TlsSite> sites = TlsSites.of(List.of(
        UprobeTarget.resolved("SSL_write", LIB, 0x100),
        UprobeTarget.resolved("SSL_read", LIB, 0x200),
        UprobeTarget.resolved("SSL_write_ex", LIB, 0x300),
        UprobeTarget.resolved("SSL_read_ex", LIB, 0x400)));
    assertEquals(List.of(
        new TlsSite(true, 0x100, false, List.of("SSL_write")),
        new TlsSite(false, 0x200, false, List.of("SSL_read")),
        new TlsSite(true, 0x300, true, List.of("SSL_write_ex")),
        new TlsSite(false, 0x400, true, List.of("SSL_read_ex"))), sites);
    assertEquals("hm_ssl_write", sites.get(0).entryProgram());
    assertEquals("hm_ssl_read_ex_ret", sites.get(3).returnProgram());
  }

  @Test
  void wrappersOfOneInternalFunctionShareOneSiteSoEachCallIsSeenOnce() {
    List<TlsSite> sites = TlsSites.of(List.of(
        internal("SSL_write", 0x35980, 0x355a0),
        internal("SSL_read", 0x35430, 0x35290),
        internal("SSL_write_ex", 0x35a10, 0x355a0),
        internal("SSL_read_ex", 0x354c0, 0x35290)));
    assertEquals(List.of(
        new TlsSite(true, 0x355a0, true, List.of("SSL_write", "SSL_write_ex")),
        new TlsSite(false, 0x35290, true, List.of("SSL_read", "SSL_read_ex"))), sites);
  }

  @Test
  void oneFormAtTheInternalFunctionAndTheOtherAtItsEntryStayTwoSites() {
    List<TlsSite> sites = TlsSites.of(List.of(
        internal("SSL_write", 0x100, 0x900),
        UprobeTarget.resolved("SSL_write_ex", LIB, 0x300)));
    assertEquals(List.of(new TlsSite(true, 0x900, true, List.of("SSL_write")),
        new TlsSite(true, 0x300, true, List.of("SSL_write_ex"))), sites);
  }

  @Test
  void anOffsetClaimedByAWriteAndAReadIsNotProbed() {
    List<TlsSite> sites = TlsSites.of(List.of(
        UprobeTarget.resolved("SSL_write", LIB, 0x100),
        UprobeTarget.resolved("SSL_read", LIB, 0x100),
        UprobeTarget.resolved("SSL_read_ex", LIB, 0x400)));
    assertEquals(List.of(new TlsSite(false, 0x400, true, List.of("SSL_read_ex"))), sites);
  }

  @Test
  void sslSetFdIsAnEntryOnlySiteBesideTheCalls() {
    List<TlsSite> sites = TlsSites.of(List.of(
        UprobeTarget.resolved("SSL_set_fd", LIB, 0x50),
        UprobeTarget.resolved("SSL_write", LIB, 0x100),
        UprobeTarget.resolved("SSL_read", LIB, 0x200)));
    assertEquals(3, sites.size());
    TlsSite setFd = sites.get(2);
    assertEquals(TlsSite.setFd(0x50), setFd);
    assertTrue(setFd.bindsSocket());
    assertEquals("hm_ssl_set_fd", setFd.entryProgram());
    assertEquals(null, setFd.returnProgram(), "an entry probe only");
    assertTrue(sites.stream().limit(2).noneMatch(TlsSite::bindsSocket));
  }

  @Test
  void sslSetFdAloneOrAtACallsOffsetIsNotProbed() {
    assertTrue(TlsSites.of(List.of(UprobeTarget.resolved("SSL_set_fd", LIB, 0x50))).isEmpty(),
        "no calls read in the file: nothing to name");
    List<TlsSite> sites = TlsSites.of(List.of(
        UprobeTarget.resolved("SSL_set_fd", LIB, 0x100),
        UprobeTarget.resolved("SSL_write", LIB, 0x100),
        UprobeTarget.resolved("SSL_read", LIB, 0x200)));
    assertEquals(List.of(new TlsSite(true, 0x100, false, List.of("SSL_write")),
        new TlsSite(false, 0x200, false, List.of("SSL_read"))), sites, "a corrupt file's overlap");
  }

  @Test
  void unresolvedAndForeignTargetsAreIgnored() {
    assertTrue(TlsSites.of(List.of(UprobeTarget.unresolved("SSL_write", LIB, "stripped"),
        UprobeTarget.resolved("gnutls_record_send", LIB, 0x10))).isEmpty());
  }

  private static UprobeTarget internal(String symbol, long entry, long site) {
    return UprobeTarget.resolved(symbol, LIB, entry).at(site, "push %r14", ProbeCost.EMULATED, "internal");
  }
}
