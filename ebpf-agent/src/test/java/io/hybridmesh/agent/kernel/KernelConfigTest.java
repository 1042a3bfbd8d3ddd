package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelConfigTest {

  @Test
  void keepsTheOptionsThatMatterWithNotSetAsN() {
    Map<String, String> c = KernelConfig.parse("""
        CONFIG_BPF=y
        CONFIG_BPF_SYSCALL=y
        # CONFIG_KPROBES is not set
        CONFIG_NET_CLS_BPF=m
        CONFIG_UNRELATED=y
        garbage line
        =y
        """);
    assertEquals(Map.of("CONFIG_BPF", "y", "CONFIG_BPF_SYSCALL", "y", "CONFIG_KPROBES", "n",
        "CONFIG_NET_CLS_BPF", "m"), c);
  }
}
