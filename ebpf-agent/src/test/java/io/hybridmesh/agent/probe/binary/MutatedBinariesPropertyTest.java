package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Real binaries, mutated: truncated anywhere, bytes flipped in the headers and tables, words set to huge
 * values. Whatever the damage, probing returns a result (clean error or partial analysis) within 2 s.
 */
class MutatedBinariesPropertyTest {

  enum Kind { TRUNCATE, FLIP_HEADERS, HUGE_WORDS, FLIP_TABLES }

  record Mutation(int fixture, Kind kind, long seed) {}

  private static byte[][] sources;

  static synchronized byte[][] sources() throws Exception {
    if (sources == null) {
      SharedFixtures f = SharedFixtures.get();
      List<Path> paths = List.of(f.opensslDynamic(), f.opensslStatic(), f.goTlsStripped(), f.goTls());
      sources = new byte[paths.size()][];
      for (int i = 0; i < paths.size(); i++) {
        sources[i] = Files.readAllBytes(paths.get(i));
      }
    }
    return sources;
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of(Kind.class),
        Arbitraries.longs()).as(Mutation::new);
  }

  static byte[] apply(byte[] src, Mutation m) {
    Random rnd = new Random(m.seed());
    byte[] b = src.clone();
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = le.getLong(40);
    int tables = shoff > 0 && shoff < b.length ? (int) shoff : 64;
    switch (m.kind()) {
      case TRUNCATE -> {
        int cut = rnd.nextInt(b.length);
        return java.util.Arrays.copyOf(b, cut);
      }
      case FLIP_HEADERS -> {
        for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
          b[rnd.nextInt(Math.min(b.length, 4096))] ^= (byte) (1 + rnd.nextInt(255));
        }
      }
      case HUGE_WORDS -> {
        long[] huge = {-1L, Long.MAX_VALUE, 1L << 40, 0x7fffffffL, 0xffffffffL, 0};
        for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
          boolean inShdrs = rnd.nextBoolean() && tables + 8 < b.length;
          int base = inShdrs ? tables : 0;
          int span = inShdrs ? b.length - tables - 8 : Math.min(b.length - 8, 1024);
          int at = base + (rnd.nextInt(Math.max(1, span)) & ~7);
          le.putLong(at, huge[rnd.nextInt(huge.length)]);
        }
      }
      case FLIP_TABLES -> {
        for (int i = 0; i < 1 + rnd.nextInt(32); i++) {
          int at = tables + rnd.nextInt(Math.max(1, b.length - tables));
          if (at < b.length) {
            b[at] = (byte) rnd.nextInt(256);
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    return b;
  }

  @Property(tries = 200)
  void anyDamageGivesACleanResultQuickly(@ForAll("mutations") Mutation m) throws Exception {
    byte[] bytes = apply(sources()[m.fixture()], m);
    Path f = Files.createTempFile(SharedFixtures.get().dir(), "mut", ".bin");
    try {
      Files.write(f, bytes);
      BinaryProber prober = new BinaryProber();
      long t0 = System.nanoTime();
      ProbeResult r = prober.probeFile(f);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertNotNull(r);
      assertTrue(ms < 2000, m + " took " + ms + " ms");
      assertTrue(r.error() == null || r.library() == TlsLibraryKind.UNKNOWN);
      assertTrue(r.error() != null || !r.reasons().isEmpty());
      assertTrue(r.reasons().stream().noneMatch(x -> x.message().contains("internal error")), r.toString());
      for (UprobeTarget t : r.uprobeTargets()) {
        assertTrue(!t.isResolved() || (t.offset() >= 0 && t.offset() < bytes.length) || !t.file().equals(
            f.toString()), "offset inside the file: " + t);
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
