package io.hybridmesh.jni;

/**
 * A BPF map. Keys and values are raw bytes in the kernel's (native, little-endian here) layout. For a
 * per-CPU map a value is {@link Bpf#possibleCpus()} slots, each rounded up to 8 bytes.
 */
public interface BpfMap {

  /** Flags for {@link #update}: as {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}. */
  long ANY = 0;
  long NO_EXIST = 1;
  long EXIST = 2;

  String name();

  /** {@code enum bpf_map_type} value. */
  int type();

  int keySize();

  int valueSize();

  int maxEntries();

  /** The map's file descriptor, for sharing it with another object. */
  int fd();

  /** The value stored under a key, or {@code null} when there is none. */
  byte[] lookup(byte[] key);

  void update(byte[] key, byte[] value, long flags);

  /** Deletes a key; {@code false} when it was not there. */
  boolean delete(byte[] key);

  /** The key after {@code key} ({@code null}: the first key), or {@code null} at the end. */
  byte[] nextKey(byte[] key);
}
