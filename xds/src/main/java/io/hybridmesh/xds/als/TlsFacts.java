package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.hybridmesh.api.flow.v1.Tls;
import java.util.Map;

/** Envoy's TLS properties to the flow's TLS block. Present only where Envoy itself terminated TLS. */
final class TlsFacts {

  /** IANA names of the suites one meets in practice; others are printed as their code point. */
  private static final Map<Integer, String> CIPHERS = Map.of(
      0x1301, "TLS_AES_128_GCM_SHA256",
      0x1302, "TLS_AES_256_GCM_SHA384",
      0x1303, "TLS_CHACHA20_POLY1305_SHA256",
      0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsFacts() {}

  static Tls of(TLSProperties p) {
    Tls.Builder tls = Tls.newBuilder();
    switch (p.getTlsVersion()) {
      case TLSv1 -> tls.setVersion("TLSv1.0");
      case TLSv1_1 -> tls.setVersion("TLSv1.1");
      case TLSv1_2 -> tls.setVersion("TLSv1.2");
      case TLSv1_3 -> tls.setVersion("TLSv1.3");
      default -> { }
    }
    if (p.hasTlsCipherSuite()) {
      int suite = p.getTlsCipherSuite().getValue();
      tls.setCipher(CIPHERS.getOrDefault(suite, String.format("0x%04X", suite)));
    }
    tls.setSni(p.getTlsSniHostname());
    if (p.hasPeerCertificateProperties()) {
      var peer = p.getPeerCertificateProperties();
      for (var san : peer.getSubjectAltNameList()) {
        String value = san.hasUri() ? san.getUri() : san.getDns();
        if (!value.isEmpty()) {
          tls.addPeerSans(value);
        }
      }
      // A peer certificate on a connection Envoy accepted means the client authenticated: mutual TLS.
      tls.setMtls(peer.getSubjectAltNameCount() > 0 || !peer.getSubject().isEmpty());
    }
    return tls.build();
  }
}
