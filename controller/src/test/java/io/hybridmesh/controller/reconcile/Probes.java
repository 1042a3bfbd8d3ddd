package io.hybridmesh.controller.reconcile;

/** hybridmesh.io/probe annotation values, shaped as the agent writes them (hmesh probe --output json). */
final class Probes {

  private Probes() {}

  static String dynamicOpenSsl() {
    return "{\"app\":{\"path\":\"/usr/bin/curl\",\"library\":\"OPENSSL\",\"libraryVersion\":\"3.0.11\","
        + "\"linkage\":\"DYNAMIC\",\"verdict\":\"EBPF\",\"l7Visibility\":\"FULL\",\"uprobeTargets\":["
        + "{\"symbol\":\"SSL_write\",\"file\":\"/usr/lib/x86_64-linux-gnu/libssl.so.3\",\"offset\":229136,"
        + "\"probeOffset\":229136,\"instruction\":\"push %r14\",\"cost\":\"EMULATED\","
        + "\"site\":\"SSL_write begins with push %r14: the kernel emulates it.\"},"
        + "{\"symbol\":\"SSL_read\",\"file\":\"/usr/lib/x86_64-linux-gnu/libssl.so.3\",\"offset\":228352,"
        + "\"probeOffset\":228352,\"instruction\":\"endbr64\",\"cost\":\"SINGLE_STEPPED\","
        + "\"site\":\"SSL_read begins with endbr64: the kernel single-steps it.\"}],"
        + "\"stripped\":true,\"libraries\":[],\"reasons\":[]}}";
  }

  static String go() {
    return "{\"app\":{\"path\":\"/app/server\",\"library\":\"GO_CRYPTO_TLS\",\"linkage\":\"STATIC\","
        + "\"goVersion\":\"go1.19.8\",\"uprobeTargets\":[{\"symbol\":\"crypto/tls.(*Conn).Write\","
        + "\"file\":\"/app/server\",\"offset\":1234}],\"libraries\":[]}}";
  }

  static String jsse() {
    return "{\"app\":{\"path\":\"/usr/bin/java\",\"library\":\"JSSE\",\"linkage\":\"DYNAMIC\","
        + "\"uprobeTargets\":[],\"libraries\":[]}}";
  }

  static String strippedStatic() {
    return "{\"app\":{\"path\":\"/app/chrome\",\"library\":\"UNKNOWN\",\"linkage\":\"STATIC\",\"stripped\":true,"
        + "\"uprobeTargets\":[],\"libraries\":[]}}";
  }

  /** A stripped static binary whose custom tls-probe target the agent could not find. */
  static String customTargetMissing(String file, String symbol) {
    return "{\"app\":{\"path\":\"/app/server\",\"library\":\"UNKNOWN\",\"linkage\":\"STATIC\",\"stripped\":true,"
        + "\"uprobeTargets\":[{\"symbol\":\"" + symbol + "\",\"file\":\"" + file + "\","
        + "\"unresolvedReason\":\"no such file in the container\"}],\"libraries\":[]}}";
  }
}
