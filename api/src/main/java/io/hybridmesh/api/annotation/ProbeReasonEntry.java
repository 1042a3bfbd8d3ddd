package io.hybridmesh.api.annotation;

/** A finding of the probe or the verdict: a stable code and a sentence a person can act on. */
public record ProbeReasonEntry(String code, String message) {

  public ProbeReasonEntry {
    FieldRules.matching("code", FieldRules.required("code", code), FieldRules.WORD, "a reason code");
    message = FieldRules.text("message", message, ProbeEntry.MAX_SENTENCE);
  }
}
