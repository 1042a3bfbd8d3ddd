package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad values fail when the chart is rendered, with a message that names the value (values.schema.json). */
class ChartValuesIT {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      negative ring size          | agent: {flowCapacity: -1}                                  | agent.flowCapacity
      zero ring size              | agent: {flowCapacity: 0}                                   | agent.flowCapacity
      ring size not a number      | agent: {flowCapacity: lots}                                | agent.flowCapacity
      unknown fallback mode       | controller: {defaultFallback: ebpf}                        | controller.defaultFallback
      unknown query redaction     | agent: {redaction: {query: some}}                          | agent.redaction.query
      empty image                 | image: {repository: ""}                                    | image.repository
      image with a space          | image: {repository: "my image"}                            | image.repository
      empty sidecar image         | sidecar: {proxyImage: {repository: ""}}                    | sidecar.proxyImage.repository
      empty sidecar image tag     | sidecar: {proxyImage: {tag: ""}}                           | sidecar.proxyImage.tag
      empty init image            | sidecar: {initImage: {repository: ""}}                     | sidecar.initImage.repository
      unknown pull policy         | image: {pullPolicy: Sometimes}                             | image.pullPolicy
      privileged not a boolean    | agent: {privileged: "yes"}                                 | agent.privileged
      no replicas                 | controller: {replicas: 0}                                  | controller.replicas
      misspelt key                | agent: {flowCapcity: 10}                                   | flowCapcity
      bad header name             | agent: {redaction: {headers: ["X Token"]}}                 | agent.redaction.headers
      """)
  void badValueFailsNamingIt(String what, String values, String named) {
    Exception e = assertThrows(Exception.class, () -> RenderedChart.render(values), what + " rendered");
    assertTrue(e.getMessage().contains(named), what + ": the message should name " + named + ": " + e.getMessage());
  }
}
