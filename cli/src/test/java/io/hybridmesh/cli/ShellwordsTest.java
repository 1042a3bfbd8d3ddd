package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellwordsTest {

  @Test
  void wordsSplitAsAShellSplitsThem() {
    assertEquals(List.of("--http-path", "/api/.*", "--label", "app=web shop"),
        Shellwords.split("  --http-path '/api/.*'   --label \"app=web shop\" "));
    assertEquals(List.of("a b", "c\"d", "e\\f", "it's"), Shellwords.split("a\\ b \"c\\\"d\" 'e\\f' it\\'s"));
    assertEquals(List.of("", "x"), Shellwords.split("'' x"));
    assertEquals(List.of(), Shellwords.split("   "));
  }

  @Test
  void unfinishedQuotingIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Shellwords.split("--pod 'demo"));
    assertThrows(IllegalArgumentException.class, () -> Shellwords.split("--pod \"demo"));
    assertThrows(IllegalArgumentException.class, () -> Shellwords.split("--pod demo\\"));
  }
}
