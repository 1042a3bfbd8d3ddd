package io.hybridmesh.controller.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotatingCertificateTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
  private final CertificateAuthority ca = CertificateAuthority.create(clock);

  @Test
  void renewsAtTwoThirdsOfItsLifeAndRotationSwapsKeyAndCertificate() throws Exception {
    try (RotatingCertificate c = new RotatingCertificate(ca, "hybrid-mesh-relay", List.of("relay.ns.svc"),
        Duration.ofHours(24), clock)) {
      X509Certificate first = c.keys().leaf();
      first.verify(ca.certificate().getPublicKey());
      // Backdated by 5 minutes: 24h05m of life, renewed 16h03m20s in.
      assertEquals(Instant.parse("2026-12-01T15:58:20Z"), RotatingCertificate.renewalTime(first));
      assertTrue(first.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
          "server and client: the relay presents it to users and to the agents");
      X509Certificate second = c.rotate();
      assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
      assertNotEquals(first.getPublicKey(), second.getPublicKey());
      assertEquals(second, c.keys().leaf());
    }
  }

  @Test
  void aLeafNeverOutlivesItsCa() {
    X509Certificate leaf = ca.issue(CertificateAuthority.newKeyPair().getPublic(), "x", List.of(), List.of(),
        Duration.ofDays(100_000), CertificateAuthority.Usage.SERVER);
    assertEquals(ca.certificate().getNotAfter(), leaf.getNotAfter());
  }
}
