package io.hybridmesh.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Pure Java logic around the native library: naming, messages, descriptions. No root needed. */
class NativeLibraryTest {

  @Test
  void archNamesFollowUnameNotJava() {
    assertEquals("x86_64", NativeLibrary.archName("amd64"));
    assertEquals("x86_64", NativeLibrary.archName("x86_64"));
    assertEquals("aarch64", NativeLibrary.archName("aarch64"));
    assertEquals("aarch64", NativeLibrary.archName("arm64"));
    assertEquals("riscv64", NativeLibrary.archName("riscv64"));
    assertEquals("io/hybridmesh/jni/native/linux-x86_64/libhmjni.so", NativeLibrary.resourcePath("amd64"));
  }

  @Test
  void theBuiltLibraryIsWhereTheLoaderLooks() {
    String resource = NativeLibrary.resourcePath(System.getProperty("os.arch"));
    assertTrue(getClass().getClassLoader().getResource(resource) != null, resource + " is packaged");
  }

  @Test
  void missingLibbpfNamesThePackage() {
    UnsatisfiedLinkError raw =
        new UnsatisfiedLinkError("/tmp/x/libhmjni.so: libbpf.so.1: cannot open shared object file");
    UnsatisfiedLinkError explained = NativeLibrary.explain(raw);
    assertTrue(explained.getMessage().contains("install the libbpf1 package"), explained.getMessage());
    assertSame(raw, explained.getCause());
    UnsatisfiedLinkError other = new UnsatisfiedLinkError("something else");
    assertSame(other, NativeLibrary.explain(other));
  }

  @Test
  void descriptionsSayWhatIsAttachedWhere() {
    assertEquals(
        "tc egress eth0 in /run/netns/a",
        NativeBpfLink.describeTc(new TcHook(Path.of("/run/netns/a"), "eth0", TcHook.Direction.EGRESS, 1, 1)));
    assertEquals("tc ingress lo", NativeBpfLink.describeTc(new TcHook(null, "lo", TcHook.Direction.INGRESS, 1, 1)));
    assertEquals(
        "uretprobe /lib/libssl.so.3:SSL_write",
        NativeBpfLink.describeUprobe(UprobeTarget.exit(Path.of("/lib/libssl.so.3"), "SSL_write")));
    assertEquals(
        "uprobe /bin/x+0x40 pid 7",
        NativeBpfLink.describeUprobe(new UprobeTarget(Path.of("/bin/x"), null, 0x40, false, 7)));
  }
}
