package io.hybridmesh.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What one node's kernel offers the data path, written by the agent on that node; named after the node.
 * The facts live in spec because the agent, not a controller, is their source of truth.
 */
@Group(HybridMeshNames.GROUP)
@Version(HybridMeshNames.VERSION)
@ShortNames("ncap")
@AdditionalPrinterColumn(name = "KERNEL", jsonPath = ".spec.kernelRelease", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "BTF", jsonPath = ".spec.btf", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "AGENT", jsonPath = ".spec.agentVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "HEARTBEAT", jsonPath = ".spec.lastHeartbeat", type = AdditionalPrinterColumn.Type.DATE)
public class NodeCapability extends CustomResource<NodeCapabilitySpec, Void> {}
