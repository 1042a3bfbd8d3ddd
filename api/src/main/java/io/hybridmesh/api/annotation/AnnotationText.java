package io.hybridmesh.api.annotation;

/**
 * Text helpers for whoever writes an annotation: the typed classes refuse display text longer than their
 * format allows, so a writer with a longer sentence (an exception's message, a path) clips it first.
 */
public final class AnnotationText {

  private AnnotationText() {}

  /** {@code text} cut to {@code max} code points, the last one an ellipsis when cut; null stays null. */
  public static String clip(String text, int max) {
    if (text == null || text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }

  static String withoutControlCharacters(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.toString();
  }
}
