package io.hybridmesh.agent.probe.binary;

/**
 * One file of a program: the executable (depth 0), a DT_NEEDED library (depth = hops from the executable),
 * or a library found only in the process maps (linkage DLOPEN).
 */
record GraphNode(FileFacts facts, String inner, String display, FileKey key, int depth, Linkage linkage) {

  /** The file name without directories, e.g. {@code libssl.so.3}. */
  String fileName() {
    return inner.substring(inner.lastIndexOf('/') + 1);
  }

  /** The soname when the file has one, else the file name. */
  String soname() {
    String s = facts.dynamic().soname();
    return s != null ? s : fileName();
  }
}
