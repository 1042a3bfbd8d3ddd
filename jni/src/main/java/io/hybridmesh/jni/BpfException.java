package io.hybridmesh.jni;

/**
 * A failed BPF operation: which operation, the errno, and libbpf's own words when it logged any.
 */
public class BpfException extends RuntimeException {

  private final String operation;
  private final int errno;

  public BpfException(String operation, int errno, String message) {
    super(operation + ": " + message + (errno != 0 ? " (errno " + errno + ")" : ""));
    this.operation = operation;
    this.errno = errno;
  }

  /** The operation that failed, for example {@code bpf_object__load}. */
  public String operation() {
    return operation;
  }

  /** The positive errno value, or 0 when there is none. */
  public int errno() {
    return errno;
  }
}
