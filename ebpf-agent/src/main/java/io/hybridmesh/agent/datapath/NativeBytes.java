package io.hybridmesh.agent.datapath;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Map keys, values and rodata knobs in the kernel's byte order. */
final class NativeBytes {

  private NativeBytes() {}

  static byte[] u32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
  }

  static byte[] u64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
  }
}
