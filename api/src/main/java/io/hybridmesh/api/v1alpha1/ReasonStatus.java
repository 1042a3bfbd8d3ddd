package io.hybridmesh.api.v1alpha1;

/** A stable code (tools match on it) and a sentence a person can act on. */
public class ReasonStatus {

  private String code;
  private String message;

  public ReasonStatus() {}

  public ReasonStatus(String code, String message) {
    this.code = code;
    this.message = message;
  }

  public String getCode() {
    return code;
  }

  public void setCode(String code) {
    this.code = code;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
