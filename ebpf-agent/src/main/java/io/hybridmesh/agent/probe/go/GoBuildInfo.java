package io.hybridmesh.agent.probe.go;

import java.util.Arrays;
import java.util.Map;

/**
 * What {@code .go.buildinfo} says: the Go version, the main module path, and the build settings
 * ({@code build\tKEY=VALUE} lines, Go 1.18+), e.g. {@code GOEXPERIMENT}, {@code CGO_ENABLED}, {@code -ldflags}.
 */
public record GoBuildInfo(String version, String mainPath, Map<String, String> settings) {

  /** Built with {@code GOEXPERIMENT=boringcrypto}, or by the old dev.boringcrypto toolchain ("go1.16.5b7"). */
  public boolean boringCrypto() {
    String exp = settings.getOrDefault("GOEXPERIMENT", "");
    if (Arrays.stream(exp.split(",")).anyMatch(e -> e.trim().equals("boringcrypto"))) {
      return true;
    }
    return version != null && version.matches("go\\d+(\\.\\d+)*b\\d+.*");
  }
}
