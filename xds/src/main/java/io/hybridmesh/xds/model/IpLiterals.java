package io.hybridmesh.xds.model;

import com.google.common.net.InetAddresses;

/** IP literal checks without DNS: a model must never make the translator resolve a name. */
public final class IpLiterals {

  private IpLiterals() {}

  public static boolean isIp(String value) {
    return value != null && InetAddresses.isInetAddress(value);
  }

  public static boolean isIpv6(String value) {
    return isIp(value) && value.indexOf(':') >= 0;
  }

  /** Loopback or unspecified: what Envoy reports for its own side of a redirected connection. */
  public static boolean isLocalOnly(String value) {
    if (!isIp(value)) {
      return false;
    }
    var address = InetAddresses.forString(value);
    return address.isLoopbackAddress() || address.isAnyLocalAddress();
  }
}
