package io.hybridmesh.jni;

import java.nio.ByteBuffer;

/**
 * The JNI surface of libhmjni, registered by its {@code JNI_OnLoad}. Handles are native pointers; the
 * owning Java objects make sure each is used only while alive and freed once.
 */
final class Native {

  private Native() {}

  // Objects: handle = struct hm_object *.
  static native long openMem(String name, byte[] elf);

  static native long openFile(String path);

  static native String objectName(long object);

  static native void setRodata(long object, String variable, byte[] value);

  static native void setMapMaxEntries(long object, String map, int maxEntries);

  static native void reuseMap(long object, String map, int fd);

  static native void setProgramAttachType(long object, String program, int attachType);

  static native void setProgramAutoload(long object, String program, boolean autoload);

  static native void load(long object);

  /** A {@code struct bpf_map *} owned by the object. */
  static native long findMap(long object, String name);

  /** A loaded {@code struct bpf_program *} owned by the object. */
  static native long findProgram(long object, String name);

  static native void closeObject(long object);

  // Maps: handle = struct bpf_map *.
  static native String mapName(long map);

  /** {type, key size, value size, max entries, fd}. */
  static native int[] mapInfo(long map);

  static native byte[] mapLookup(long map, byte[] key);

  static native void mapUpdate(long map, byte[] key, byte[] value, long flags);

  static native boolean mapDelete(long map, byte[] key);

  static native byte[] mapNextKey(long map, byte[] key);

  // Links: handle = struct hm_link *, freed by detachLink.
  static native long attachTc(
      long program, String netns, String interfaceName, boolean ingress, int handle, int priority);

  /** A tcx link (Linux 6.6): goes with the fd, so with the process that holds it. */
  static native long attachTcx(long program, String netns, String interfaceName, boolean ingress);

  /** Removes a legacy (netlink) filter at handle:priority when its program has this name; true if removed. */
  static native boolean removeLegacyTc(String netns, String interfaceName, boolean ingress, int handle,
      int priority, String program);

  /** Ordinal of Bpf.Support: whether SCHED_CLS programs attach through tcx links here. */
  static native int probeTcx();

  /** Names of the programs on an interface's tcx hook, in the order they run. */
  static native String[] queryTcx(String netns, String interfaceName, boolean ingress);

  static native long attachUprobe(
      long program, String binary, String symbol, long offset, boolean retprobe, int pid);

  /** {@code kind}: the ordinal of {@link UprobeMultiTarget.Kind}. */
  static native long attachUprobeMulti(long program, String binary, long[] offsets, long[] cookies,
      int kind, int pid);

  static native long attachTracepoint(long program, String category, String name);

  static native long attachTracing(long program);

  static native void detachLink(long link);

  // Ring buffers: handle = struct hm_ring *.
  static native long ringOpen(long map);

  /** {@code (bytes written << 32) | records}. */
  static native long ringPoll(long ring, ByteBuffer batch, int timeoutMillis);

  static native void ringWakeup(long ring);

  static native long ringOversized(long ring);

  /** Bytes committed or reserved beyond the consumer position. */
  static native long ringBacklog(long ring);

  /** The consumer position: bytes consumed since the ring was created. */
  static native long ringConsumed(long ring);

  static native void ringClose(long ring);

  // Probes: answers are Bpf.Support ordinals.
  static native int probeMapType(int mapType);

  static native int probeProgramType(int programType);

  static native int probeHelper(int programType, int helperId);

  static native int possibleCpus();

  // Scheduling (sched.c): thread ids are Linux tids.
  static native int threadId();

  /** SCHED_IDLE when idle, else SCHED_OTHER, for the one thread. */
  static native void setIdleScheduling(int threadId, boolean idle);

  static native boolean isIdleScheduling(int threadId);

  // Uprobe calibration (calibrate.c): functions are CalibrationFunctions.Function ordinals.
  /** {address, file offset} per function; null where there are none (not x86-64). */
  static native long[] calibrationSites();

  /** The library's file as the loader named it; null where there are no calibration functions. */
  static native String calibrationLibrary();

  /** Nanoseconds (CLOCK_MONOTONIC) to call one function {@code calls} times from a C loop. */
  static native long calibrationLoop(int function, int calls);

  /** The architecture the library was built for, as {@code uname -m} spells it. */
  static native String calibrationArch();
}
