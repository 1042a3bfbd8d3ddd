package io.hybridmesh.agent.metrics;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of label values that computes its hash once. A series is looked up by its label
 * values for every flow (twice for an HTTP response: count and duration); the JDK's immutable lists
 * hash all their elements on every lookup. Equal to, and hashing like, any other list of the same
 * values, as {@link List} requires.
 */
final class LabelValues extends AbstractList<String> implements RandomAccess {

  private final String[] values;
  private final int hash;

  private LabelValues(String[] values) {
    for (String v : values) {
      Objects.requireNonNull(v, "label value");
    }
    this.values = values;
    this.hash = Arrays.hashCode(values); // the List.hashCode formula
  }

  static LabelValues of(String... values) {
    return new LabelValues(values.clone());
  }

  /** The same instance when it already is one, so a map holding it compares by identity first. */
  static LabelValues copyOf(List<String> labels) {
    return labels instanceof LabelValues l ? l : new LabelValues(labels.toArray(new String[0]));
  }

  @Override
  public String get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (o instanceof LabelValues l) {
      return hash == l.hash && Arrays.equals(values, l.values);
    }
    return super.equals(o);
  }
}
