package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.testing.FakeTcKernel;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TcCleanupTest {

  private static NetworkInterface nic(String name) {
    return new NetworkInterface(2, name, 14, List.of());
  }

  @Test
  void removesOurLeftoversEverywhereAndSaysWhatItCouldNotSee() throws IOException {
    FakeTcKernel kernel = new FakeTcKernel(false, true);
    kernel.legacyFilters.addAll(Set.of("web0 INGRESS", "web0 EGRESS", "shop1 EGRESS"));
    Path web = Path.of("/run/netns/web");
    Path shop = Path.of("/proc/42/ns/net");
    Path gone = Path.of("/proc/43/ns/net");
    TcCleanup cleanup = new TcCleanup(kernel, () -> List.of(web, shop, gone), netns -> {
      if (netns.equals(gone)) {
        throw new NoSuchFileException(netns.toString());
      }
      return netns.equals(web) ? List.of(nic("web0")) : List.of(nic("shop0"), nic("shop1"));
    });

    TcCleanup.Result r = cleanup.run();

    assertEquals(3, r.namespaces());
    assertEquals(3, r.interfaces());
    assertEquals(List.of("web0 ingress in /run/netns/web", "web0 egress in /run/netns/web",
        "shop1 egress in /proc/42/ns/net"), r.removed());
    assertEquals(Set.of(), kernel.legacyFilters);
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).startsWith("/proc/43/ns/net"), r.problems().toString());
  }
}
