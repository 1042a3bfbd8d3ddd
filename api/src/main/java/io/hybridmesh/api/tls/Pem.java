package io.hybridmesh.api.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text to certificates and keys and back, with the JDK alone: {@code CERTIFICATE} blocks and PKCS#8
 * {@code PRIVATE KEY} blocks (EC or RSA), as the CA Secret, cert-manager's Secrets and {@code hmesh observe
 * --tls-*} files hold them. Bad input gives an {@link IllegalArgumentException} naming what is wrong.
 */
public final class Pem {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

  private Pem() {}

  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(pem, "CERTIFICATE")) {
        Certificate c = factory.generateCertificate(new ByteArrayInputStream(der));
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no -----BEGIN CERTIFICATE----- block in the text");
    }
    return out;
  }

  public static PrivateKey privateKey(String pem) {
    List<byte[]> keys = blocks(pem, "PRIVATE KEY");
    if (keys.size() != 1) {
      throw new IllegalArgumentException(keys.isEmpty()
          ? "no -----BEGIN PRIVATE KEY----- block (PKCS#8) in the text; convert with 'openssl pkcs8 -topk8 -nocrypt'"
          + " (a cert-manager Certificate writes one with privateKey.encoding: PKCS8)"
          : "more than one private key in the text");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the private key is neither EC, RSA nor Ed25519");
  }

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        sb.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
      }
    }
    return sb.toString();
  }

  public static String encode(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static List<byte[]> blocks(String pem, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a " + type + " block is not base64: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }
}
