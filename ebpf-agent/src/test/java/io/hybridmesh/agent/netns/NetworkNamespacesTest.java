package io.hybridmesh.agent.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkNamespacesTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", "../etc", "a/b", "-rf", "x..y", "name with space"})
  void rejectsNamesThatAreNotPlainNames(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new NetworkNamespaces(dir).pathOf(name));
    assertTrue(e.getMessage().contains("not a network namespace name"), e.getMessage());
  }

  @Test
  void saysWhenANamespaceDoesNotExist() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new NetworkNamespaces(dir).pathOf("nope"));
    assertTrue(e.getMessage().contains("'nope' does not exist"), e.getMessage());
  }

  @Test
  void findsAnExistingOne() throws IOException {
    Files.createFile(dir.resolve("web"));
    assertEquals(dir.resolve("web"), new NetworkNamespaces(dir).pathOf("web"));
  }
}
