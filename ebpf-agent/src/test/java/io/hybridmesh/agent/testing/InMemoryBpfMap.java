package io.hybridmesh.agent.testing;

import io.hybridmesh.jni.BpfMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A hash map that behaves like a BPF hash map, for tests without the kernel. */
public final class InMemoryBpfMap implements BpfMap {

  private final String name;
  private final int keySize;
  private final int valueSize;
  private final Map<ByteBuffer, byte[]> entries = new LinkedHashMap<>();

  public InMemoryBpfMap(String name, int keySize, int valueSize) {
    this.name = name;
    this.keySize = keySize;
    this.valueSize = valueSize;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int type() {
    return 1; // BPF_MAP_TYPE_HASH
  }

  @Override
  public int keySize() {
    return keySize;
  }

  @Override
  public int valueSize() {
    return valueSize;
  }

  @Override
  public int maxEntries() {
    return Integer.MAX_VALUE;
  }

  @Override
  public int fd() {
    return -1;
  }

  @Override
  public byte[] lookup(byte[] key) {
    byte[] v = entries.get(ByteBuffer.wrap(key.clone()));
    return v == null ? null : v.clone();
  }

  @Override
  public void update(byte[] key, byte[] value, long flags) {
    if (key.length != keySize || value.length != valueSize) {
      throw new IllegalArgumentException("wrong key or value size");
    }
    entries.put(ByteBuffer.wrap(key.clone()), value.clone());
  }

  @Override
  public boolean delete(byte[] key) {
    return entries.remove(ByteBuffer.wrap(key.clone())) != null;
  }

  @Override
  public byte[] nextKey(byte[] key) {
    List<ByteBuffer> keys = new ArrayList<>(entries.keySet());
    if (key == null) {
      return keys.isEmpty() ? null : keys.get(0).array().clone();
    }
    int i = keys.indexOf(ByteBuffer.wrap(key));
    // Like the kernel: a key that is gone restarts from the first one.
    int next = i < 0 ? 0 : i + 1;
    return next < keys.size() ? keys.get(next).array().clone() : null;
  }

  public int size() {
    return entries.size();
  }
}
