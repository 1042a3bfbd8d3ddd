package io.hybridmesh.api.tls;

/** Names the controller, the agents, the chart and the CLI share for TLS. */
public final class TlsNames {

  private TlsNames() {}

  /** The Secret in the controller's namespace that holds the CA: {@link #CA_CERT} and {@link #CA_KEY}. */
  public static final String CA_SECRET = "hybrid-mesh-ca";
  /** The CA certificate (PEM): what every client and server trusts; agents mount this key alone. */
  public static final String CA_CERT = "ca.crt";
  /** The CA's private key (PKCS#8 PEM): only the controller reads it. */
  public static final String CA_KEY = "ca.key";
  /** The relay's client certificate names it so; agents accept no other client. */
  public static final String RELAY_CLIENT = "hybrid-mesh-relay";
  /** The audience of the projected service-account tokens agents and sidecars present to the controller. */
  public static final String TOKEN_AUDIENCE = "hybrid-mesh";
}
