package io.hybridmesh.agent.testing;

import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.api.flow.v1.Endpoint;
import com.google.protobuf.Timestamp;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** Endpoint 1 is "client" at Events.CLIENT_IP; "server" is known by Events.SERVER_IP only. */
public final class FixedEndpoints implements EndpointResolver {

  public static final Endpoint CLIENT = Endpoint.newBuilder().setPodName("client").build();
  public static final Endpoint SERVER = Endpoint.newBuilder().setPodName("server").build();

  /** Monotonic ns map to wall ns one-to-one, so times are predictable. */
  public static final KernelClock IDENTITY_CLOCK = ns ->
      Timestamp.newBuilder().setSeconds(ns / 1_000_000_000L).setNanos((int) (ns % 1_000_000_000L)).build();

  private final Map<ByteBuffer, Endpoint> byAddress = new HashMap<>();

  public FixedEndpoints() {
    byAddress.put(ByteBuffer.wrap(Events.CLIENT_IP), CLIENT);
    byAddress.put(ByteBuffer.wrap(Events.SERVER_IP), SERVER);
  }

  @Override
  public Endpoint local(int endpointId) {
    return endpointId == 1 ? CLIENT : null;
  }

  @Override
  public Endpoint byAddress(byte[] address) {
    return byAddress.get(ByteBuffer.wrap(address));
  }

  @Override
  public String interfaceName(int endpointId, int ifindex) {
    return endpointId == 1 && ifindex == 7 ? "eth0" : null;
  }
}
