package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hmesh probe} as a user runs it: its own process, real binaries, a corrupt one. */
class ProbeCommandIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run hmesh(String... args) throws Exception {
    String[] command = new String[args.length + 3];
    command[0] = "java";
    command[1] = "-jar";
    command[2] = JAR.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process p = new ProcessBuilder(command).redirectError(dir.resolve("err").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, Files.readString(dir.resolve("err")));
  }

  @Test
  void jsonForRealBinariesAndAnErrorForACorruptOne() throws Exception {
    Path corrupt = dir.resolve("corrupt");
    byte[] elf = Files.readAllBytes(Path.of("/usr/bin/curl"));
    Files.write(corrupt, java.util.Arrays.copyOf(elf, 100)); // an ELF header and nothing after it

    Run r = hmesh("probe", "--output", "json", "/usr/bin/curl", corrupt.toString(), "/bin/ls");

    assertEquals(1, r.exit(), "one input could not be analysed: " + r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    JsonArray results = JsonParser.parseString(r.out()).getAsJsonArray();
    assertEquals(3, results.size());
    JsonObject curl = results.get(0).getAsJsonObject();
    assertEquals("/usr/bin/curl", curl.get("path").getAsString());
    assertEquals("OPENSSL", curl.get("library").getAsString());
    assertEquals("DYNAMIC", curl.get("linkage").getAsString());
    assertEquals("EBPF", curl.get("verdict").getAsString());
    JsonObject target = curl.getAsJsonArray("uprobeTargets").get(0).getAsJsonObject();
    assertTrue(target.get("file").getAsString().contains("libssl.so"), target.toString());
    assertTrue(target.get("offset").getAsLong() > 0);
    assertTrue(results.get(1).getAsJsonObject().has("error"));
    assertEquals("NONE", results.get(2).getAsJsonObject().get("library").getAsString());
  }

  @Test
  void theKernelProbeWorksWithoutRootToo() throws Exception {
    Run r = hmesh("probe", "--kernel", "--output", "json");
    assertFalse(r.err().contains("Exception"), r.err());
    if (r.exit() == 0) {
      JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
      assertTrue(o.has("kernelRelease") && o.getAsJsonArray("features").size() >= 10, r.out());
      // Measured where it can be (root, x86-64); otherwise the note says why.
      JsonObject cost = o.getAsJsonObject("uprobeCost");
      assertTrue(cost.has("emulatedNs") || cost.has("note"), r.out());
    }
  }
}
