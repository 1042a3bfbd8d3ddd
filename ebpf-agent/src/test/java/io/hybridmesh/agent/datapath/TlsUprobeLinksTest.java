package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.tls.TlsSite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cookie each site's uprobe_multi probes carry: what hm_tls_enter and hm_tls_leave read a call with. */
class TlsUprobeLinksTest {

  @Test
  void cookiesSayWhatEachSiteIs() {
    assertEquals(HmAbi.TLS_COOKIE_WRITE | HmAbi.TLS_COOKIE_EX,
        TlsUprobeLinks.cookie(new TlsSite(true, 0x100, true, List.of("SSL_write", "SSL_write_ex"))));
    assertEquals(0, TlsUprobeLinks.cookie(new TlsSite(false, 0x200, false, List.of("SSL_read"))));
    assertEquals(HmAbi.TLS_COOKIE_SET_FD, TlsUprobeLinks.cookie(TlsSite.setFd(0x50)),
        "SSL_set_fd: neither a write nor a read, and no return probe reads it");
  }
}
