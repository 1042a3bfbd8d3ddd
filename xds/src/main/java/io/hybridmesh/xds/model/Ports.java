package io.hybridmesh.xds.model;

final class Ports {

  private Ports() {}

  static int require(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be in 1..65535, got " + port);
    }
    return port;
  }

  static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  static String requireIp(String ip, String what) {
    if (!IpLiterals.isIp(ip)) {
      throw new IllegalArgumentException(what + " is not an IP address: " + ip);
    }
    return ip;
  }
}
