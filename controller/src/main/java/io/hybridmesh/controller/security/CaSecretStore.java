package io.hybridmesh.controller.security;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.TlsNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The CA lives in the Secret {@value TlsNames#CA_SECRET} of the controller's namespace: created once, by
 * whichever controller replica gets there first, and read back by every replica and after every restart,
 * so that what agents and users trust does not change under them. Two replicas starting together both try
 * to create it; the loser's create fails with 409 Conflict and it reads the winner's.
 */
public final class CaSecretStore {

  private static final Logger LOG = Logger.getLogger(CaSecretStore.class.getName());

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  public CaSecretStore(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  /** The CA of the Secret, which is created with a new CA when there is none. */
  public CertificateAuthority loadOrCreate() {
    Secret existing = client.secrets().inNamespace(namespace).withName(TlsNames.CA_SECRET).get();
    if (existing != null) {
      return read(existing);
    }
    CertificateAuthority created = CertificateAuthority.create(clock);
    Secret secret = new SecretBuilder().withNewMetadata().withName(TlsNames.CA_SECRET).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", "hybrid-mesh").endMetadata()
        .withType("Opaque")
        .addToData(TlsNames.CA_CERT, base64(Pem.encode(java.util.List.of(created.certificate()))))
        .addToData(TlsNames.CA_KEY, base64(Pem.encode(created.key())))
        // The same pair under the names a cert-manager CA Issuer reads, for agent certificates kept by it.
        .addToData("tls.crt", base64(Pem.encode(java.util.List.of(created.certificate()))))
        .addToData("tls.key", base64(Pem.encode(created.key())))
        .build();
    try {
      client.secrets().inNamespace(namespace).resource(secret).create();
      LOG.info("created the CA in Secret " + namespace + "/" + TlsNames.CA_SECRET + ": "
          + created.certificate().getSubjectX500Principal().getName() + ", valid until "
          + created.certificate().getNotAfter().toInstant());
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Another replica created it between our read and our create: theirs is the one.
      Secret theirs = client.secrets().inNamespace(namespace).withName(TlsNames.CA_SECRET).get();
      if (theirs == null) {
        throw new IllegalStateException("Secret " + namespace + "/" + TlsNames.CA_SECRET
            + " conflicted on create but cannot be read back", e);
      }
      return read(theirs);
    }
  }

  private CertificateAuthority read(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String cert = data.get(TlsNames.CA_CERT);
    String key = data.get(TlsNames.CA_KEY);
    if (cert == null || key == null) {
      throw new IllegalStateException("Secret " + namespace + "/" + TlsNames.CA_SECRET + " lacks "
          + (cert == null ? TlsNames.CA_CERT : TlsNames.CA_KEY) + "; delete it to have the controller make a new CA"
          + " (every client then needs the new " + TlsNames.CA_CERT + ")");
    }
    try {
      return new CertificateAuthority(Pem.certificates(decode(cert)).get(0), Pem.privateKey(decode(key)), clock);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Secret " + namespace + "/" + TlsNames.CA_SECRET + " does not hold a CA: "
          + e.getMessage(), e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
