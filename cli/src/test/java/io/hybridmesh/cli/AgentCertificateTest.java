package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.controller.security.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hmesh agent}'s TLS flags: which combinations mean what, and cert-manager's files as they are kept. */
class AgentCertificateTest {

  @TempDir
  Path dir;

  @Test
  void withoutTheCaTheObserverApiIsPlaintextAndTheOtherFlagsAreRefused() throws Exception {
    assertNull(AgentCertificate.fromFlags(null, null, null, null, null));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentCertificate.fromFlags(null, "c:4245",
        null, null, null)).getMessage().contains("--tls-ca-cert-file is needed"));
    Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentCertificate.fromFlags(ca, null, null, null,
        null)).getMessage().contains("say where"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentCertificate.fromFlags(ca, "c:4245", null,
        dir.resolve("tls.crt"), dir.resolve("tls.key"))).getMessage().contains("say where"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentCertificate.fromFlags(ca, null, null,
        dir.resolve("tls.crt"), null)).getMessage().contains("go together"));
  }

  @Test
  void certManagersFilesAreReadAsTheyAreWritten() throws Exception {
    CertificateAuthority authority = CertificateAuthority.create(Clock.systemUTC());
    KeyPair pair = CertificateAuthority.newKeyPair();
    X509Certificate leaf = authority.issue(pair.getPublic(), "hybrid-mesh-agent", List.of("agents.ns.svc"),
        List.of(), Duration.ofHours(1), CertificateAuthority.Usage.SERVER);
    Path crt = Files.writeString(dir.resolve("tls.crt"), Pem.encode(List.of(leaf, authority.certificate())));
    Path key = Files.writeString(dir.resolve("tls.key"), Pem.encode(pair.getPrivate()));
    Path ca = Files.writeString(dir.resolve("ca.crt"), Pem.encode(List.of(authority.certificate())));
    try (AgentCertificate c = AgentCertificate.fromFlags(ca, null, null, crt, key)) {
      assertEquals(leaf, c.keys().leaf());
      assertEquals(2, c.keys().getCertificateChain("any").length, "the chain as the file holds it");
      assertEquals(pair.getPrivate(), c.keys().getPrivateKey("any"));
    }
  }
}
