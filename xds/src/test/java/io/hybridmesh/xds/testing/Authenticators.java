package io.hybridmesh.xds.testing;

import io.hybridmesh.xds.als.SidecarDirectory;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.auth.TokenPolicy;
import io.hybridmesh.xds.auth.TokenReviewer;

/** Authenticators for tests whose subject is not identity: the pods they name, called from the loopback. */
public final class Authenticators {

  private Authenticators() {}

  /** The node id must name a pod the directory knows; loopback callers may speak for it. */
  public static SidecarAuthenticator loopback(SidecarDirectory directory) {
    return new SidecarAuthenticator(directory, TokenReviewer.NONE, TokenPolicy.IGNORE, true, new AuthCounters());
  }
}
