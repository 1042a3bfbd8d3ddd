package io.hybridmesh.api.annotation;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The value rules of the annotation formats, in one place, for the typed classes' constructors: a typed
 * value that exists is a valid one, whether a parser or a writer built it. A broken rule is an
 * {@link IllegalArgumentException} naming the field; the parsers turn it into a refusal.
 */
final class FieldRules {

  /** Kubernetes container names: DNS-1123 labels. */
  static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** Enum-like words the agent writes (OPENSSL, DYNAMIC, EMULATED, UPROBE_TARGETS_OK). */
  static final Pattern WORD = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  /** A symbol as the agent found it; Go's have slashes, dots, stars and parentheses, none has a space. */
  static final Pattern SYMBOL = Pattern.compile("[^\\s\\p{Cntrl}]{1,256}");

  private FieldRules() {}

  static String required(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  static String matching(String field, String value, Pattern pattern, String what) {
    if (value != null && !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " '" + shown(value) + "' is not " + what);
    }
    return value;
  }

  /**
   * Display text (a sentence, a path, a version string): control characters become spaces, so nothing that
   * reaches a terminal can move its cursor; longer than {@code max} code points is refused. Blank is null.
   */
  static String text(String field, String value, int max) {
    if (value == null) {
      return null;
    }
    String clean = AnnotationText.withoutControlCharacters(value).strip();
    int length = clean.codePointCount(0, clean.length());
    if (length > max) {
      throw new IllegalArgumentException(field + " is " + length + " characters long, over the " + max
          + " this format allows");
    }
    return clean.isEmpty() ? null : clean;
  }

  /** A file offset: never negative. */
  static Long offset(String field, Long value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(field + " is " + value + ", and a file offset is never negative");
    }
    return value;
  }

  static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : List.copyOf(values);
  }

  /** A value cut for a message: hostile input is not echoed at length. */
  static String shown(String value) {
    String s = AnnotationText.withoutControlCharacters(value);
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
