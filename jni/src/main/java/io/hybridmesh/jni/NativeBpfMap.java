package io.hybridmesh.jni;

import java.util.Objects;

/** A map inside a {@link NativeBpfObject}; its pointer is valid only while that object is open. */
final class NativeBpfMap implements BpfMap {

  private static final int TYPE = 0;
  private static final int KEY_SIZE = 1;
  private static final int VALUE_SIZE = 2;
  private static final int MAX_ENTRIES = 3;
  private static final int FD = 4;

  private final NativeBpfObject owner;
  private final long pointer;
  private final String name;

  NativeBpfMap(NativeBpfObject owner, long pointer) {
    this.owner = owner;
    this.pointer = pointer;
    this.name = Native.mapName(pointer);
  }

  /** The pointer, after checking that the owning object still lives. */
  long pointer() {
    owner.handle();
    return pointer;
  }

  private int info(int field) {
    return Native.mapInfo(pointer())[field];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int type() {
    return info(TYPE);
  }

  @Override
  public int keySize() {
    return info(KEY_SIZE);
  }

  @Override
  public int valueSize() {
    return info(VALUE_SIZE);
  }

  @Override
  public int maxEntries() {
    return info(MAX_ENTRIES);
  }

  @Override
  public int fd() {
    int fd = info(FD);
    if (fd < 0) {
      throw new IllegalStateException("map '" + name + "' has no fd until its object is loaded");
    }
    return fd;
  }

  @Override
  public byte[] lookup(byte[] key) {
    return Native.mapLookup(pointer(), Objects.requireNonNull(key, "key"));
  }

  @Override
  public void update(byte[] key, byte[] value, long flags) {
    Native.mapUpdate(
        pointer(), Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), flags);
  }

  @Override
  public boolean delete(byte[] key) {
    return Native.mapDelete(pointer(), Objects.requireNonNull(key, "key"));
  }

  @Override
  public byte[] nextKey(byte[] key) {
    return Native.mapNextKey(pointer(), key);
  }

  @Override
  public String toString() {
    return "BpfMap[" + name + " of " + owner.name() + "]";
  }
}
