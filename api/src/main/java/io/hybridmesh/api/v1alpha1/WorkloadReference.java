package io.hybridmesh.api.v1alpha1;

/** The workload a WorkloadCapability reports on, in the same namespace. */
public class WorkloadReference {

  private String apiVersion;
  private String kind;
  private String name;

  public WorkloadReference() {}

  public WorkloadReference(String apiVersion, String kind, String name) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.name = name;
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  /** Deployment, StatefulSet or DaemonSet. */
  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
