package io.hybridmesh.jni;

/** An attached program. Closing it detaches the program; closing twice does nothing. */
public interface BpfLink extends AutoCloseable {

  /** What is attached where, for logs: for example {@code tc egress eth0 in /run/netns/a}. */
  String description();

  /**
   * Detaches. A target that is already gone (an interface or network namespace deleted while attached)
   * counts as detached, not as an error.
   */
  @Override
  void close();
}
