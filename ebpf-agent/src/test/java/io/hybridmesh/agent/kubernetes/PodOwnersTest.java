package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodOwnersTest {

  private static OwnerReference ref(String kind, String name, Boolean controller) {
    return new OwnerReferenceBuilder().withKind(kind).withName(name).withController(controller).build();
  }

  @Test
  void replicaSetIsResolvedToItsDeploymentWhenReadable() {
    PodOwners.Owner o = PodOwners.resolve(List.of(ref("ReplicaSet", "web-7d4b9c8f6d", true)), Map.of(),
        rs -> Optional.of(List.of(ref("Deployment", "web", true))));
    assertEquals(new PodOwners.Owner("Deployment", "web"), o);
  }

  @Test
  void unreadableReplicaSetIsTrimmedOfItsHash() {
    assertEquals(new PodOwners.Owner("Deployment", "web-api"), PodOwners.resolve(
        List.of(ref("ReplicaSet", "web-api-7d4b9c8f6d", true)), Map.of("pod-template-hash", "7d4b9c8f6d"),
        rs -> Optional.empty()));
    assertEquals(new PodOwners.Owner("Deployment", "web-api"), PodOwners.resolve(
        List.of(ref("ReplicaSet", "web-api-5f9c7", true)), null, rs -> Optional.empty()));
  }

  @Test
  void bareReplicaSetIsItsOwnWorkload() {
    assertEquals(new PodOwners.Owner("ReplicaSet", "rs"), PodOwners.resolve(List.of(ref("ReplicaSet", "rs", true)),
        Map.of(), rs -> Optional.of(List.of())));
  }

  @Test
  void statefulSetDaemonSetAndJobAreDirect() {
    for (String kind : List.of("StatefulSet", "DaemonSet", "Job")) {
      assertEquals(new PodOwners.Owner(kind, "x"), PodOwners.resolve(List.of(ref(kind, "x", true)), Map.of(),
          rs -> { throw new AssertionError("no lookup for " + kind); }));
    }
  }

  @Test
  void controllerReferenceWinsAndGarbageIsNoOwner() {
    assertEquals(new PodOwners.Owner("StatefulSet", "db"), PodOwners.resolve(
        List.of(ref("ConfigMap", "c", false), ref("StatefulSet", "db", true)), Map.of(), rs -> Optional.empty()));
    assertEquals(new PodOwners.Owner("", ""), PodOwners.resolve(null, Map.of(), rs -> Optional.empty()));
    assertEquals(new PodOwners.Owner("", ""), PodOwners.resolve(List.of(ref(null, "x", true), ref("Job", " ", true)),
        Map.of(), rs -> Optional.empty()));
  }
}
