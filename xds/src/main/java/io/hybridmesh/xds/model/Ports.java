package io.hybridmesh.xds.model;

import io.hybridmesh.api.net.IpAddress;

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
    try {
      IpAddress.parse(ip);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
    return ip;
  }
}
