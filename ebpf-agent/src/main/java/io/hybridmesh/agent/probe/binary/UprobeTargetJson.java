package io.hybridmesh.agent.probe.binary;

import com.google.gson.JsonObject;

/**
 * One uprobe target as {@code hmesh probe --output json} and the pod annotation {@code hybridmesh.io/probe}
 * write it: the one writer of that shape, so the two cannot drift.
 */
public final class UprobeTargetJson {

  private UprobeTargetJson() {}

  public static JsonObject of(UprobeTarget t) {
    JsonObject j = new JsonObject();
    j.addProperty("symbol", t.symbol());
    j.addProperty("file", t.file());
    if (t.isResolved()) {
      j.addProperty("offset", t.offset());
      if (t.probeOffset() != null) {
        // Where the probe really goes, the instruction there and what a hit costs (see ProbeSiteSelector).
        j.addProperty("probeOffset", t.probeOffset());
        j.addProperty("instruction", t.instruction());
        j.addProperty("cost", t.cost() == null ? null : t.cost().name());
        j.addProperty("site", t.site());
      }
    } else {
      j.addProperty("unresolvedReason", t.unresolvedReason());
    }
    return j;
  }
}
