package io.hybridmesh.controller.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridmesh.api.tls.TlsNames;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CA Secret against the mock API server: made once, read back by everyone after, the create race lost gracefully. */
@EnableKubernetesMockClient(crud = true)
class CaSecretStoreIT {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void createdOnceThenReadBack() throws Exception {
    CertificateAuthority first = new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate();
    CertificateAuthority again = new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate();
    assertEquals(first.certificate(), again.certificate());
    assertEquals(1, client.secrets().inNamespace("hybrid-mesh").list().getItems().size());
    // What the second one signs, the first one's certificate verifies: it is the same key.
    KeyPair leaf = CertificateAuthority.newKeyPair();
    X509Certificate issued = again.issue(leaf.getPublic(), "x", List.of("x.example"), List.of("10.0.0.1"),
        Duration.ofHours(1), CertificateAuthority.Usage.SERVER);
    issued.verify(first.certificate().getPublicKey());
    assertTrue(first.certificate().getBasicConstraints() >= 0, "a CA certificate");
  }

  @Test
  void theReplicaThatLosesTheCreateRaceReadsTheWinnersCa() throws Exception {
    CertificateAuthority winner = new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate();
    // The loser read before the winner created: its GET says 404, its create then meets 409 Conflict.
    server.expect().get().withPath("/api/v1/namespaces/hybrid-mesh/secrets/" + TlsNames.CA_SECRET)
        .andReturn(404, "").once();
    CertificateAuthority loser = new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate();
    assertEquals(winner.certificate(), loser.certificate());
    assertEquals(1, client.secrets().inNamespace("hybrid-mesh").list().getItems().size());
  }

  @Test
  void aSecretWithoutTheKeyIsRefusedWithWhatToDo() {
    client.secrets().inNamespace("hybrid-mesh").resource(new SecretBuilder().withNewMetadata()
        .withName(TlsNames.CA_SECRET).endMetadata().addToData(TlsNames.CA_CERT, "eA==").build()).create();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate());
    assertTrue(e.getMessage().contains("lacks ca.key") && e.getMessage().contains("delete it"), e.getMessage());
  }
}
