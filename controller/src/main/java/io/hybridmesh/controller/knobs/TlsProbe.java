package io.hybridmesh.controller.knobs;

import java.util.List;

/**
 * {@code hybridmesh.io/tls-probe: /path/in/image:symbol[,symbol...]}: functions with OpenSSL's
 * SSL_write/SSL_read signature that the agent should probe where the usual symbols are missing (a stripped
 * or renamed TLS library). The path is inside the container's filesystem.
 */
public record TlsProbe(String file, List<String> symbols) {

  public TlsProbe {
    symbols = List.copyOf(symbols);
  }

  /** The annotation's value as written. */
  public String value() {
    return file + ":" + String.join(",", symbols);
  }
}
