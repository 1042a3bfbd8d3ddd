package io.hybridmesh.xds.server;

import io.hybridmesh.xds.validate.ConfigProblem;
import java.util.List;
import java.util.Map;

/**
 * What one publication did.
 *
 * @param updated groups whose snapshot changed (unchanged groups are not touched: no push to Envoy)
 * @param invalid groups whose new resources failed validation, with the problems; they keep the last good one
 * @param removed groups gone from the model whose snapshot was dropped
 * @param removalPending groups gone from the model whose sidecars are still connected; dropped once they go
 */
public record PublishReport(
    List<SidecarGroup> updated, Map<SidecarGroup, List<ConfigProblem>> invalid, List<SidecarGroup> removed,
    List<SidecarGroup> removalPending) {}
