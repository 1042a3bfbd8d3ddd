package io.hybridmesh.jni;

import java.util.concurrent.atomic.AtomicLong;

/** An attachment; the handle is taken atomically on close so the native link is freed exactly once. */
final class NativeBpfLink implements BpfLink {

  private final NativeBpfObject owner;
  private final AtomicLong handle;
  private final String description;

  NativeBpfLink(NativeBpfObject owner, long handle, String description) {
    this.owner = owner;
    this.handle = new AtomicLong(handle);
    this.description = description;
  }

  static String describeTc(TcHook hook) {
    String where = hook.netns() == null ? "" : " in " + hook.netns();
    String direction = hook.direction() == TcHook.Direction.INGRESS ? "ingress" : "egress";
    return "tc " + direction + " " + hook.interfaceName() + where;
  }

  static String describeUprobe(UprobeTarget target) {
    StringBuilder s = new StringBuilder(target.returnProbe() ? "uretprobe " : "uprobe ");
    s.append(target.binary());
    if (target.symbol() != null) {
      s.append(':').append(target.symbol());
    }
    if (target.offset() != 0 || target.symbol() == null) {
      s.append("+0x").append(Long.toHexString(target.offset()));
    }
    if (target.pid() >= 0) {
      s.append(" pid ").append(target.pid());
    }
    return s.toString();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    long h = handle.getAndSet(0);
    if (h == 0) {
      return;
    }
    owner.forget(this);
    Native.detachLink(h);
  }

  @Override
  public String toString() {
    return "BpfLink[" + description + (handle.get() == 0 ? ", closed]" : "]");
  }
}
