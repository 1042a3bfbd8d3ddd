package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlsHooksTest {

  @Test
  void commandLineValuesNameEachWay() {
    assertEquals(TlsHooks.AUTO, TlsHooks.parse("auto", "auto"));
    assertEquals(TlsHooks.OLDEST, TlsHooks.parse("per-site", "syscalls"));
    assertEquals(new TlsHooks(UprobeLinks.MULTI, SocketHooks.SOCKET_TRACEPOINTS), TlsHooks.parse("MULTI", "socket"));
    assertEquals(new TlsHooks(UprobeLinks.SESSION, SocketHooks.AUTO), TlsHooks.parse("session", "auto"));
  }

  @Test
  void unknownValuesSayWhatIsAccepted() {
    IllegalArgumentException links = assertThrows(IllegalArgumentException.class,
        () -> TlsHooks.parse("kprobe", "auto"));
    assertTrue(links.getMessage().contains("--uprobe-links takes auto, session, multi or per-site"), links.getMessage());
    IllegalArgumentException sockets = assertThrows(IllegalArgumentException.class,
        () -> TlsHooks.parse("auto", "fentry"));
    assertTrue(sockets.getMessage().contains("--socket-hooks takes auto, socket or syscalls, not 'fentry'"),
        sockets.getMessage());
  }
}
