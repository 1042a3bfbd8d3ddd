package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Java decoders must agree byte for byte with bpf/include/hm_abi.h. The build compiles a C program
 * (bpf/abi_layout.c) that prints offsetof/sizeof of every shared field; this compares it with {@link
 * JavaLayout#of()}, HmAbi's constants in the same format.
 */
class AbiLayoutTest {

  @Test
  void javaLayoutMatchesTheCHeader() throws IOException {
    Path file = Path.of(System.getProperty("hmesh.abiLayout", "target/bpf/abi-layout.properties"));
    Properties c = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      c.load(r);
    }
    Map<String, String> fromC = new TreeMap<>();
    c.forEach((k, v) -> fromC.put((String) k, (String) v));
    assertEquals(fromC, new TreeMap<>(JavaLayout.of()),
        "hm_abi.h and HmAbi.java disagree; update HmAbi (and its decoders) to the header");
  }
}
