package io.hybridmesh.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the controller decided and why; written by the controller alone, in one place. */
public class WorkloadCapabilityStatus {

  private String dataPath;
  private String requestedMode;
  private String fallback;
  private String l7Visibility;
  private List<ReasonStatus> reasons = new ArrayList<>();
  private List<ContainerStatus> containers = new ArrayList<>();
  private List<NodeStatus> nodes = new ArrayList<>();
  private String placement;
  private List<PodPlacementStatus> podsOnIncapableNodes = new ArrayList<>();
  /**
   * What the workload's TCP connections began with, by port, as the agents saw them while its pods were on
   * the eBPF path ({@code in/8080=http out/443=tls}; {@link io.hybridmesh.api.annotation.ObservedPorts} reads
   * it). Kept across pods and rollouts; absent while nothing was seen.
   */
  private String observedPorts;
  private String decidedAt;
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();

  /** EBPF, SIDECAR, NONE or PENDING. */
  public String getDataPath() {
    return dataPath;
  }

  public void setDataPath(String dataPath) {
    this.dataPath = dataPath;
  }

  /** The hybridmesh.io/mode in force: auto, ebpf, sidecar or off. */
  public String getRequestedMode() {
    return requestedMode;
  }

  public void setRequestedMode(String requestedMode) {
    this.requestedMode = requestedMode;
  }

  /** The fallback in force (the annotation, else the cluster default): sidecar or none. */
  public String getFallback() {
    return fallback;
  }

  public void setFallback(String fallback) {
    this.fallback = fallback;
  }

  /** FULL, L4_ONLY, TLS_METADATA_ONLY or NONE. */
  public String getL7Visibility() {
    return l7Visibility;
  }

  public void setL7Visibility(String l7Visibility) {
    this.l7Visibility = l7Visibility;
  }

  /** Why, the deciding reason first. */
  public List<ReasonStatus> getReasons() {
    return reasons;
  }

  public void setReasons(List<ReasonStatus> reasons) {
    this.reasons = reasons;
  }

  public List<ContainerStatus> getContainers() {
    return containers;
  }

  public void setContainers(List<ContainerStatus> containers) {
    this.containers = containers;
  }

  /** The nodes the workload's pods can run on, and what their kernels offer. */
  public List<NodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeStatus> nodes) {
    this.nodes = nodes;
  }

  /**
   * The hybridmesh.io/placement in force: any-node (decided for every node the pods may be scheduled on) or
   * prefer-capable (decided for those of them whose kernel can read TLS).
   */
  public String getPlacement() {
    return placement;
  }

  public void setPlacement(String placement) {
    this.placement = placement;
  }

  /** Pods on nodes that see less of them than the workload was decided for, and what each lacks. */
  public String getObservedPorts() {
    return observedPorts;
  }

  public void setObservedPorts(String observedPorts) {
    this.observedPorts = observedPorts;
  }

  public List<PodPlacementStatus> getPodsOnIncapableNodes() {
    return podsOnIncapableNodes;
  }

  public void setPodsOnIncapableNodes(List<PodPlacementStatus> podsOnIncapableNodes) {
    this.podsOnIncapableNodes = podsOnIncapableNodes;
  }

  /** When the data path or visibility last changed (RFC 3339). */
  public String getDecidedAt() {
    return decidedAt;
  }

  public void setDecidedAt(String decidedAt) {
    this.decidedAt = decidedAt;
  }

  /** The workload's metadata.generation this status was computed from. */
  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  /** Ready and Degraded, in the standard shape. */
  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
