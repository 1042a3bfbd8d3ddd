package io.hybridmesh.jni;

/** {@link ThreadScheduling} through libhmjni's sched.c. */
final class NativeThreadScheduling implements ThreadScheduling {

  static final NativeThreadScheduling INSTANCE = new NativeThreadScheduling();

  private NativeThreadScheduling() {}

  @Override
  public int currentThreadId() {
    return Native.threadId();
  }

  @Override
  public void setIdle(int threadId, boolean idle) {
    Native.setIdleScheduling(threadId, idle);
  }

  @Override
  public boolean isIdle(int threadId) {
    return Native.isIdleScheduling(threadId);
  }
}
