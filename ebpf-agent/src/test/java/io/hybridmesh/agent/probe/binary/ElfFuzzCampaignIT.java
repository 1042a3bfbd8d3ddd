package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.fuzz.FuzzCampaign;
import io.hybridmesh.agent.probe.binary.MutatedBinariesPropertyTest.Kind;
import io.hybridmesh.agent.probe.binary.MutatedBinariesPropertyTest.Mutation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The ELF reader and the whole binary prober at scale: the property test's real binaries (dynamic and static
 * OpenSSL, Go with and without symbols) damaged its four ways, 10,000 times. Each gives a result (a clean
 * error or a partial analysis) within 2 s, no internal error, and no probe offset outside the file.
 */
class ElfFuzzCampaignIT {

  @Test
  void tenThousandDamagedBinaries() throws Exception {
    byte[][] sources = MutatedBinariesPropertyTest.sources();
    Path shm = Path.of("/dev/shm");
    Path dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
        "hm-elf-fuzz");
    try {
      int[] n = {0};
      FuzzCampaign.run("elf", 10_000, 2_000, r -> {
        Mutation m = new Mutation(r.nextInt(sources.length), Kind.values()[r.nextInt(Kind.values().length)],
            r.nextLong());
        byte[] bytes = MutatedBinariesPropertyTest.apply(sources[m.fixture()], m);
        Path f = dir.resolve("mut" + n[0]++);
        Files.write(f, bytes);
        try {
          ProbeResult result = new BinaryProber().probeFile(f);
          assertNotNull(result);
          assertTrue(result.error() != null || !result.reasons().isEmpty(), m.toString());
          assertTrue(result.reasons().stream().noneMatch(x -> x.message().contains("internal error")),
              result.toString());
          for (UprobeTarget t : result.uprobeTargets()) {
            assertTrue(!t.isResolved() || !t.file().equals(f.toString())
                || (t.offset() >= 0 && t.offset() < bytes.length), "offset inside the file: " + t);
          }
        } finally {
          Files.deleteIfExists(f);
        }
      });
    } finally {
      Files.deleteIfExists(dir);
    }
  }
}
