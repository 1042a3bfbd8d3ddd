package io.hybridmesh.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words as a POSIX shell would for plain words and quotes: blanks separate words,
 * {@code '...'} keeps everything literally, {@code "..."} keeps blanks and lets a backslash escape {@code "}
 * and {@code \}, and outside quotes a backslash escapes the next character. No expansion of any kind:
 * {@code --http-path '/api/.*'} means what it means in a terminal.
 */
final class Shellwords {

  private Shellwords() {}

  /** @throws IllegalArgumentException for an unterminated quote or a trailing backslash */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("a quote ' is not closed: " + line.substring(i));
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i = doubleQuoted(line, i + 1, word);
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("a backslash ends the filter; it escapes the character after it");
        }
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** Appends a double-quoted part starting after its quote; returns the index after the closing quote. */
  private static int doubleQuoted(String line, int from, StringBuilder word) {
    int i = from;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    throw new IllegalArgumentException("a quote \" is not closed: " + line.substring(from - 1));
  }
}
