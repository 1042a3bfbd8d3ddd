package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: Helm's own checks of the chart's structure, metadata and templates. */
class ChartLintIT {

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();
    assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
  }
}
