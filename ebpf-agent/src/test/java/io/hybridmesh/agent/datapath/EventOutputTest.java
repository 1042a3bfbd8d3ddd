package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.testing.FakeTcKernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wakeup threshold split between CPUs, and every object reporting through the anchor's maps. */
class EventOutputTest {

  @Test
  void eachCpuKeepsItsShareOfTheWholeThreshold() {
    assertEquals(128 << 10, EventOutput.perCpu(256 << 10, 2));
    assertEquals(256 << 10, EventOutput.perCpu(256 << 10, 1));
    assertEquals(256 << 10, EventOutput.perCpu(256 << 10, 0), "no CPUs reported: the whole threshold");
  }

  @Test
  void manyCpusStillWakeForMoreThanAHandfulOfEvents() {
    assertEquals(EventOutput.MIN_WAKEUP_BYTES_PER_CPU, EventOutput.perCpu(256 << 10, 512));
    assertEquals(EventOutput.MIN_WAKEUP_BYTES_PER_CPU, EventOutput.perCpu(1024, 2), "a tiny ring");
  }

  @Test
  void everyInterfaceObjectReportsThroughTheAnchorsMapsWithItsCpuShare() {
    FakeTcKernel kernel = new FakeTcKernel(false); // plays a 2-CPU node
    TcSettings settings = new TcSettings(1 << 20, 16, Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(5));
    try (TcDatapath tc = new TcDatapath(kernel, settings)) {
      tc.attach(7, Path.of("/run/netns/x"), "eth0", 14).close();
      EventOutput output = tc.output();
      assertEquals(List.of("hm_events", "hm_stats", "hm_unwoken"),
          List.of(output.events().name(), output.stats().name(), output.unwoken().name()));
      assertEquals((256 << 10) / 2, output.wakeupBytesPerCpu());
    }
    assertEquals(List.of("hm_events <- hm_events", "hm_stats <- hm_stats", "hm_unwoken <- hm_unwoken",
        "hm_conns <- hm_conns", "hm_tc_http <- hm_tc_http"), kernel.reused);
    assertArrayEquals(new byte[] {0}, kernel.rodata.get("read_http"), "HTTP is read at TC only when asked");
    assertArrayEquals(NativeBytes.u64(128 << 10), kernel.rodata.get("hm_wakeup_bytes"));
  }
}
