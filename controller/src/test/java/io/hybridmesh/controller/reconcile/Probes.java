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
        + "\"goVersion\":\"go1.19.8\",\"goFunctionsFrom\":\"PCLNTAB\",\"goStructOffsets\":\"table go1.19\","
        + "\"uprobeTargets\":[{\"symbol\":\"crypto/tls.(*Conn).Write\",\"file\":\"/app/server\",\"offset\":1234,"
        + "\"probeOffset\":1243,\"instruction\":\"jbe\",\"cost\":\"EMULATED\"},"
        + "{\"symbol\":\"crypto/tls.(*Conn).Write+0x3d2\",\"file\":\"/app/server\",\"offset\":1234,"
        + "\"probeOffset\":2212,\"instruction\":\"ret\",\"cost\":\"SINGLE_STEPPED\"},"
        + "{\"symbol\":\"crypto/tls.(*Conn).Read\",\"file\":\"/app/server\",\"offset\":5678,"
        + "\"probeOffset\":5682,\"instruction\":\"jbe\",\"cost\":\"EMULATED\"},"
        + "{\"symbol\":\"crypto/tls.(*Conn).Read+0x104\",\"file\":\"/app/server\",\"offset\":5678,"
        + "\"probeOffset\":5938,\"instruction\":\"ret\",\"cost\":\"SINGLE_STEPPED\"}],\"libraries\":[]}}";
  }

  /** A Go binary of a release whose struct offsets the agent does not know: refused, with its code. */
  static String goUnknownOffsets() {
    return "{\"app\":{\"path\":\"/app/server\",\"library\":\"GO_CRYPTO_TLS\",\"linkage\":\"STATIC\","
        + "\"goVersion\":\"go1.25.1\",\"goFunctionsFrom\":\"PCLNTAB\",\"uprobeTargets\":["
        + "{\"symbol\":\"crypto/tls.(*Conn).Write\",\"file\":\"/app/server\",\"unresolvedReason\":\"no offsets\"},"
        + "{\"symbol\":\"crypto/tls.(*Conn).Read\",\"file\":\"/app/server\",\"unresolvedReason\":\"no offsets\"}],"
        + "\"libraries\":[],\"reasons\":[{\"code\":\"GO_VERSION_UNKNOWN_OFFSETS\",\"message\":\"The project's "
        + "table has no struct offsets for go1.25; they are not guessed.\"}]}}";
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
