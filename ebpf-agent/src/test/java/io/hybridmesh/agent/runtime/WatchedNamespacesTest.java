package io.hybridmesh.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.PlaintextProbes;
import io.hybridmesh.jni.BpfException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchedNamespacesTest {

  /** Records what the policy did to the hooks; refuses to attach when told to. */
  private static final class FakeHooks implements PlaintextProbes {
    final Map<Long, Integer> watched = new HashMap<>();
    boolean attached;
    int attaches;
    boolean refuse;

    @Override
    public void attach() {
      if (refuse) {
        throw new BpfException("bpf_program__attach", 22, "refused");
      }
      if (!attached) {
        attaches++;
      }
      attached = true;
    }

    @Override
    public void detach() {
      attached = false;
    }

    @Override
    public boolean attached() {
      return attached;
    }

    @Override
    public void watchNetns(long netnsInode, int endpointId) {
      watched.put(netnsInode, endpointId);
    }

    @Override
    public void unwatchNetns(long netnsInode) {
      watched.remove(netnsInode);
    }
  }

  @Test
  void autoAttachesWhileAnyNamespaceIsWatchedAndOnlyThen() {
    FakeHooks hooks = new FakeHooks();
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.AUTO);
    assertFalse(hooks.attached, "nothing watched: every syscall keeps its fast path");
    ns.watch(100, 1);
    ns.watch(200, 2);
    ns.watch(100, 1); // the same namespace again (a rescan)
    assertTrue(hooks.attached);
    assertEquals(1, hooks.attaches);
    assertEquals(Map.of(100L, 1, 200L, 2), hooks.watched);
    ns.unwatch(100);
    assertTrue(hooks.attached, "one namespace is still watched");
    ns.unwatch(200);
    assertFalse(hooks.attached);
    assertEquals(Map.of(), hooks.watched);
    ns.unwatch(200); // gone twice: nothing breaks
    ns.watch(300, 3);
    assertTrue(hooks.attached);
    assertEquals(2, hooks.attaches);
  }

  @Test
  void autoDetachesAfterTheIdleTimeAndAttachesAgainWhenPlaintextHttpIsSeen() {
    FakeHooks hooks = new FakeHooks();
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.AUTO, Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    ns.watch(100, 1);
    assertTrue(hooks.attached, "a new workload's first requests are read");
    ns.plaintextActivity(0, 0, t0 + secs(10));
    assertTrue(hooks.attached, "not idle long enough yet");
    ns.plaintextActivity(0, 0, t0 + secs(31));
    assertFalse(hooks.attached, "30 s without plaintext HTTP: every syscall takes its fast path again");
    ns.plaintextActivity(0, 0, t0 + secs(40));
    assertFalse(hooks.attached);
    ns.plaintextActivity(1, 0, t0 + secs(41)); // TC saw a connection open with a request line
    assertTrue(hooks.attached);
    assertEquals(1, ns.plaintextReattaches());
    // The hooks reading HTTP keep them attached, with no new connection.
    ns.plaintextActivity(1, 5, t0 + secs(60));
    ns.plaintextActivity(1, 9, t0 + secs(85));
    ns.plaintextActivity(1, 9, t0 + secs(100));
    assertTrue(hooks.attached, "15 s since the last request read");
    ns.plaintextActivity(1, 9, t0 + secs(116));
    assertFalse(hooks.attached);
    assertEquals(2, hooks.attaches);
  }

  @Test
  void autoKeepsTheHooksDetachedWhileNothingIsWatchedWhateverTheCountersSay() {
    FakeHooks hooks = new FakeHooks();
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.AUTO, Duration.ofSeconds(30));
    ns.plaintextActivity(3, 3, System.nanoTime());
    assertFalse(hooks.attached);
    ns.watch(100, 1);
    ns.unwatch(100);
    ns.plaintextActivity(4, 4, System.nanoTime());
    assertFalse(hooks.attached);
    assertEquals(0, ns.plaintextReattaches());
  }

  @Test
  void onIsNeverDetachedForIdleness() {
    FakeHooks hooks = new FakeHooks();
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.ON, Duration.ofSeconds(1));
    ns.watch(100, 1);
    ns.plaintextActivity(0, 0, System.nanoTime() + secs(3600));
    assertTrue(hooks.attached);
  }

  private static long secs(long s) {
    return s * 1_000_000_000L;
  }

  @Test
  void onAttachesFromTheStartAndStaysAttached() {
    FakeHooks hooks = new FakeHooks();
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.ON);
    assertTrue(hooks.attached);
    ns.watch(100, 1);
    ns.unwatch(100);
    assertTrue(hooks.attached);
  }

  @Test
  void onFailsWhenTheHooksDoNotAttach() {
    FakeHooks hooks = new FakeHooks();
    hooks.refuse = true;
    assertThrows(BpfException.class, () -> new WatchedNamespaces(null, hooks, PlaintextMode.ON));
  }

  @Test
  void autoGoesOnWithoutPlaintextWhenTheHooksDoNotAttach() {
    FakeHooks hooks = new FakeHooks();
    hooks.refuse = true;
    WatchedNamespaces ns = new WatchedNamespaces(null, hooks, PlaintextMode.AUTO);
    ns.watch(100, 1);
    assertFalse(hooks.attached);
    assertEquals(Map.of(100L, 1), hooks.watched, "the namespace is watched all the same");
    assertEquals(1, ns.size());
  }

  @Test
  void withoutPlaintextOrTlsWatchingIsOnlyCounted() {
    WatchedNamespaces ns = new WatchedNamespaces(null, null, PlaintextMode.OFF);
    ns.watch(100, 1);
    assertEquals(1, ns.size());
  }

  @Test
  void theModeIsParsedFromTheCommandLine() {
    assertEquals(PlaintextMode.AUTO, PlaintextMode.parse("auto"));
    assertEquals(PlaintextMode.ON, PlaintextMode.parse("ON"));
    assertEquals(PlaintextMode.OFF, PlaintextMode.parse("off"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlaintextMode.parse("yes"));
    assertTrue(e.getMessage().contains("--plaintext takes auto, on, off or tc"), e.getMessage());
  }
}
