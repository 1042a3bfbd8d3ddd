package io.hybridmesh.xds.testing;

import io.hybridmesh.xds.als.SidecarDirectory;
import io.hybridmesh.xds.als.SidecarIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A directory backed by a map, filled by the test. */
public final class FakeDirectory implements SidecarDirectory {

  private final Map<String, SidecarIdentity> byNodeId = new ConcurrentHashMap<>();

  public FakeDirectory add(SidecarIdentity identity) {
    byNodeId.put(identity.pod() + "." + identity.namespace(), identity);
    return this;
  }

  @Override
  public Optional<SidecarIdentity> lookup(String nodeId) {
    return Optional.ofNullable(byNodeId.get(nodeId));
  }
}
