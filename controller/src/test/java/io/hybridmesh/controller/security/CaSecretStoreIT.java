package io.hybridmesh.controller.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.hybridmesh.api.tls.TlsNames;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  void twoReplicasStartingAtOnceBothCreateOneWinsAndBothUseTheWinnersCa() throws Exception {
    // Both replicas read before either created: each GET says 404, so each goes on to create.
    server.expect().get().withPath("/api/v1/namespaces/hybrid-mesh/secrets/" + TlsNames.CA_SECRET)
        .andReturn(404, "").times(2);
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      List<Future<CertificateAuthority>> started = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        started.add(replicas.submit(() -> {
          together.await(10, TimeUnit.SECONDS);
          return new CaSecretStore(client, "hybrid-mesh", Clock.systemUTC()).loadOrCreate();
        }));
      }
      CertificateAuthority a = started.get(0).get(30, TimeUnit.SECONDS);
      CertificateAuthority b = started.get(1).get(30, TimeUnit.SECONDS);
      assertEquals(a.certificate(), b.certificate(), "both replicas sign with the one CA");
      assertEquals(a.key(), b.key());
    } finally {
      replicas.shutdownNow();
    }
    List<Secret> secrets = client.secrets().inNamespace("hybrid-mesh").list().getItems();
    assertEquals(1, secrets.size());
    List<String> writes = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
        r = server.takeRequest(1, TimeUnit.SECONDS)) {
      if (!r.getMethod().equals("GET")) {
        writes.add(r.getMethod() + " " + r.getPath());
      }
    }
    // Two creates raced (one met 409 AlreadyExists); nobody replaced or patched the winner's Secret after.
    assertEquals(List.of("POST /api/v1/namespaces/hybrid-mesh/secrets", "POST /api/v1/namespaces/hybrid-mesh/secrets"),
        writes);
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
