package io.hybridmesh.agent.probe.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.kernel.KernelRelease;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Hostile code: random bytes under the four OpenSSL names. Selection never throws, and every site it picks
 * is a function's entry or the target of a direct call decoded from an entry (never inside an instruction).
 */
class ProbeSiteSelectorPropertyTest {

  @Property(tries = 3000)
  void sitesAreEntriesOrDirectCallTargets(@ForAll @Size(min = 1, max = 600) byte[] random) {
    ArrayCode c = new ArrayCode(random.length);
    System.arraycopy(random, 0, c.bytes, 0, random.length);
    Map<String, Long> entries = new LinkedHashMap<>();
    String[] names = {"SSL_write", "SSL_write_ex", "SSL_read", "SSL_read_ex"};
    for (int i = 0; i < names.length; i++) {
      entries.put(names[i], (long) (random.length * i / names.length));
    }
    Map<String, ProbeSite> sites = ProbeSiteSelector.select(c, entries, KernelRelease.of(6, 18));
    assertEquals(entries.keySet(), sites.keySet());
    Set<Long> allowed = new HashSet<>(entries.values());
    for (long entry : entries.values()) {
      allowed.addAll(CallTargets.from(c, entry));
    }
    for (ProbeSite s : sites.values()) {
      assertTrue(!s.probeable() || allowed.contains(s.offset()), "site " + s + " in " + entries);
      assertTrue(s.reason() != null && !s.reason().isBlank());
    }
  }
}
