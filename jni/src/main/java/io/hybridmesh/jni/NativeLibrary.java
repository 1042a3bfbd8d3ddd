package io.hybridmesh.jni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Finds libhmjni.so in the jar for this machine's architecture and loads it into the JVM once. */
final class NativeLibrary {

  /** Points at a libhmjni.so to load instead of the jar's copy, for working on the C side. */
  static final String OVERRIDE_PROPERTY = "hmesh.jni.library";

  private static boolean loaded;
  private static Throwable failure;

  private NativeLibrary() {}

  /** The architecture as {@code uname -m} spells it, which is how the build names the directory. */
  static String archName(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "amd64":
      case "x86_64":
      case "x86-64":
        return "x86_64";
      case "aarch64":
      case "arm64":
        return "aarch64";
      default:
        return arch;
    }
  }

  static String resourcePath(String osArch) {
    return "io/hybridmesh/jni/native/linux-" + archName(osArch) + "/libhmjni.so";
  }

  static synchronized void load() {
    if (loaded) {
      return;
    }
    if (failure != null) {
      // A second System.load after a failed JNI_OnLoad would not retry cleanly; repeat the first answer.
      throw new IllegalStateException("libhmjni failed to load earlier: " + failure.getMessage(), failure);
    }
    try {
      String override = System.getProperty(OVERRIDE_PROPERTY);
      if (override != null && !override.isBlank()) {
        System.load(Path.of(override).toAbsolutePath().toString());
      } else {
        loadFromJar();
      }
      loaded = true;
    } catch (UnsatisfiedLinkError e) {
      failure = explain(e);
      throw (UnsatisfiedLinkError) failure;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  private static void loadFromJar() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      throw new UnsupportedOperationException("BPF needs Linux; this is " + os);
    }
    String resource = resourcePath(System.getProperty("os.arch", ""));
    try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnsupportedOperationException("no " + resource + " in the jar: no build for this architecture");
      }
      // A fresh private directory: nothing else can swap the file between writing and loading it.
      Path dir = Files.createTempDirectory("hmjni-");
      Path file = dir.resolve("libhmjni.so");
      try {
        Files.copy(in, file);
        System.load(file.toString());
      } finally {
        // The mapping stays after unlink, so no file is left behind in /tmp.
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource, e);
    }
  }

  static UnsatisfiedLinkError explain(UnsatisfiedLinkError e) {
    String message = String.valueOf(e.getMessage());
    String hint = null;
    if (message.contains("libbpf.so")) {
      hint = "libbpf.so.1 is missing: install the libbpf1 package (Debian/Ubuntu: apt-get install libbpf1)";
    } else if (message.contains("libelf.so")) {
      hint = "libelf.so.1 is missing: install the libelf1 package";
    }
    if (hint == null) {
      return e;
    }
    UnsatisfiedLinkError explained = new UnsatisfiedLinkError(hint + " (" + message + ")");
    explained.initCause(e);
    return explained;
  }
}
