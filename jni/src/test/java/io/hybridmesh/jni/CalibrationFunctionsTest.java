package io.hybridmesh.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.CalibrationFunctions.Mapping;
import io.hybridmesh.jni.testing.Requirements;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Finding the calibration functions' file and offset in /proc/PID/maps; no root needed. */
class CalibrationFunctionsTest {

  private static final String MAPS = String.join("\n",
      "55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 131                        /usr/bin/java",
      "7f10a0000000-7f10a0021000 rw-p 00000000 00:00 0 ",
      "7f10b2a00000-7f10b2a06000 r--p 00000000 fe:00 2146878                    /tmp/hmjni-1 2/libhmjni.so (deleted)",
      "7f10b2a06000-7f10b2a0f000 r-xp 00006000 fe:00 2146878                    /tmp/hmjni-1 2/libhmjni.so (deleted)",
      "7ffd5c7d1000-7ffd5c7f2000 rw-p 00000000 00:00 0                          [stack]",
      "");

  @Test
  void findsTheMappingHoldingAnAddressAndItsFileOffset() {
    Mapping m = Mapping.find(MAPS, 0x7f10b2a06cd0L).orElseThrow();
    assertEquals(0x7f10b2a06000L, m.start());
    assertEquals(0x7f10b2a0f000L, m.end());
    assertEquals(0x6000, m.offset());
    assertEquals(2146878, m.inode());
    assertEquals("/tmp/hmjni-1 2/libhmjni.so (deleted)", m.path(), "a path with a space survives");
    assertEquals(0x6cd0, m.fileOffset(0x7f10b2a06cd0L));
    assertTrue(Mapping.find(MAPS, 0x7f10b2a0f000L).isEmpty(), "the end is exclusive");
    assertTrue(Mapping.find(MAPS, 0x1000).isEmpty());
    assertEquals("", Mapping.find(MAPS, 0x7f10a0000010L).orElseThrow().path(), "anonymous memory");
  }

  @Test
  void aDeletedFileIsReachedThroughMapFiles() {
    Mapping m = Mapping.find(MAPS, 0x7f10b2a06cd0L).orElseThrow();
    assertEquals(Path.of("/proc/42/map_files/7f10b2a06000-7f10b2a0f000"), m.openablePath(42));
  }

  @Test
  void aFileThatIsNoLongerTheMappedOneIsNotTrusted() {
    // /usr/bin/java exists or not on the machine running this; its inode is surely not 131 either way.
    Mapping m = Mapping.find(MAPS, 0x55d0c0a00010L).orElseThrow();
    assertEquals(Path.of("/proc/7/map_files/55d0c0a00000-55d0c0a01000"), m.openablePath(7));
  }

  @Test
  void theLoopRunsAndTheSitesAreDistinct() {
    Requirements.require(CalibrationFunctions.unsupported().isEmpty(),
        "the calibration functions are x86-64 code; this machine is " + CalibrationFunctions.unsupported().orElse(""));
    assertTrue(CalibrationFunctions.time(CalibrationFunctions.Function.PLAIN, 1000) > 0);
    var sites = CalibrationFunctions.sites();
    assertEquals(3, sites.size());
    assertEquals(3, sites.values().stream().mapToLong(CalibrationFunctions.Site::fileOffset).distinct().count());
    assertTrue(CalibrationFunctions.library().endsWith("libhmjni.so"), CalibrationFunctions.library());
  }
}
