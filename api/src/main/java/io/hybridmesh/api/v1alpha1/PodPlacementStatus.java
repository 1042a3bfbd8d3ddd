package io.hybridmesh.api.v1alpha1;

/**
 * A pod of a {@code hybridmesh.io/placement: prefer-capable} workload that the scheduler put on a node whose
 * kernel sees less of it than the workload was decided for, and what its traffic lacks there.
 */
public class PodPlacementStatus {

  private String pod;
  private String node;
  /** What the data path sees of this pod on that node: L4_ONLY or NONE. */
  private String l7Visibility;
  /** What this pod's traffic lacks there, and why, in a sentence. */
  private String lacks;

  public PodPlacementStatus() {}

  public PodPlacementStatus(String pod, String node, String l7Visibility, String lacks) {
    this.pod = pod;
    this.node = node;
    this.l7Visibility = l7Visibility;
    this.lacks = lacks;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getL7Visibility() {
    return l7Visibility;
  }

  public void setL7Visibility(String l7Visibility) {
    this.l7Visibility = l7Visibility;
  }

  public String getLacks() {
    return lacks;
  }

  public void setLacks(String lacks) {
    this.lacks = lacks;
  }
}
