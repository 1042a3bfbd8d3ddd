package io.hybridmesh.agent.observer;

import java.util.ArrayList;
import java.util.List;

/**
 * A basic Kubernetes-style label selector over labels written "source:key=value" (or "key=value", or a
 * bare "key"). Requirements are comma-separated and all must hold: {@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k}, {@code !k}, {@code k in (a,b)}, {@code k notin (a,b)}. A selector key without a "source:" part
 * matches the key under any source. Matching allocates nothing.
 */
final class LabelSelector {
  private enum Op { EQ, NEQ, EXISTS, NOT_EXISTS, IN, NOT_IN }

  private record Req(String source, String key, Op op, String[] values) {}

  private final Req[] reqs;

  private LabelSelector(Req[] reqs) {
    this.reqs = reqs;
  }

  static LabelSelector parse(String selector, String field) {
    List<Req> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= selector.length(); i++) {
      char c = i < selector.length() ? selector.charAt(i) : ',';
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          throw bad(field, selector, "unbalanced ')'");
        }
      } else if (c == ',' && depth == 0) {
        out.add(parseReq(selector.substring(start, i).trim(), field, selector));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw bad(field, selector, "unbalanced '('");
    }
    return new LabelSelector(out.toArray(new Req[0]));
  }

  private static IllegalArgumentException bad(String field, String selector, String why) {
    return new IllegalArgumentException(field + ": invalid label selector \"" + selector + "\": " + why);
  }

  private static Req parseReq(String r, String field, String selector) {
    if (r.isEmpty()) {
      throw bad(field, selector, "empty requirement");
    }
    int paren = r.indexOf('(');
    if (paren >= 0) {
      if (!r.endsWith(")")) {
        throw bad(field, selector, "expected ')' at the end of \"" + r + "\"");
      }
      String head = r.substring(0, paren).trim();
      Op op;
      String key;
      if (head.endsWith(" notin")) {
        op = Op.NOT_IN;
        key = head.substring(0, head.length() - 6).trim();
      } else if (head.endsWith(" in")) {
        op = Op.IN;
        key = head.substring(0, head.length() - 3).trim();
      } else {
        throw bad(field, selector, "expected \"key in (...)\" or \"key notin (...)\" in \"" + r + "\"");
      }
      String inner = r.substring(paren + 1, r.length() - 1);
      List<String> vals = new ArrayList<>();
      for (String v : inner.split(",", -1)) {
        vals.add(v.trim());
      }
      return req(key, op, vals.toArray(new String[0]), field, selector);
    }
    int neq = r.indexOf("!=");
    if (neq >= 0) {
      return req(r.substring(0, neq).trim(), Op.NEQ, new String[] {r.substring(neq + 2).trim()}, field, selector);
    }
    int eq = r.indexOf('=');
    if (eq >= 0) {
      int valueStart = eq + 1 < r.length() && r.charAt(eq + 1) == '=' ? eq + 2 : eq + 1;
      return req(r.substring(0, eq).trim(), Op.EQ, new String[] {r.substring(valueStart).trim()}, field, selector);
    }
    if (r.startsWith("!")) {
      return req(r.substring(1).trim(), Op.NOT_EXISTS, new String[0], field, selector);
    }
    return req(r, Op.EXISTS, new String[0], field, selector);
  }

  private static Req req(String key, Op op, String[] values, String field, String selector) {
    if (key.isEmpty() || key.indexOf(' ') >= 0 || key.indexOf('=') >= 0 || key.indexOf('!') >= 0) {
      throw bad(field, selector, "invalid key \"" + key + "\"");
    }
    String source = null;
    int colon = key.indexOf(':');
    if (colon >= 0) {
      source = key.substring(0, colon);
      key = key.substring(colon + 1);
      if (key.isEmpty()) {
        throw bad(field, selector, "empty key after source \"" + source + ":\"");
      }
    }
    return new Req(source, key, op, values);
  }

  boolean matches(List<String> labels) {
    for (Req r : reqs) {
      if (!holds(r, labels)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holds(Req r, List<String> labels) {
    boolean keyFound = false;
    boolean valueFound = false;
    for (int i = 0, n = labels.size(); i < n; i++) {
      String l = labels.get(i);
      int eq = l.indexOf('=');
      int keyEnd = eq < 0 ? l.length() : eq;
      int colon = l.indexOf(':');
      int keyStart = colon >= 0 && colon < keyEnd ? colon + 1 : 0;
      if (r.source != null) {
        int srcLen = keyStart == 0 ? 0 : keyStart - 1;
        if (srcLen != r.source.length() || !l.regionMatches(0, r.source, 0, srcLen)) {
          continue;
        }
      }
      if (keyEnd - keyStart != r.key.length() || !l.regionMatches(keyStart, r.key, 0, r.key.length())) {
        continue;
      }
      keyFound = true;
      int valStart = eq < 0 ? l.length() : eq + 1;
      int valLen = l.length() - valStart;
      for (String v : r.values) {
        if (v.length() == valLen && l.regionMatches(valStart, v, 0, valLen)) {
          valueFound = true;
          break;
        }
      }
    }
    switch (r.op) {
      case EXISTS: return keyFound;
      case NOT_EXISTS: return !keyFound;
      case EQ:
      case IN: return valueFound;
      case NEQ:
      case NOT_IN: return !valueFound;
      default: return false;
    }
  }
}
