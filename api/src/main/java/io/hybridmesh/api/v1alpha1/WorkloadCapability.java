package io.hybridmesh.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The capability report of one opted-in Deployment, StatefulSet or DaemonSet: which data path observes it,
 * what that path sees, and why. Owned by its workload, so it goes when the workload goes.
 */
@Group(HybridMeshNames.GROUP)
@Version(HybridMeshNames.VERSION)
@ShortNames("wcap")
@AdditionalPrinterColumn(name = "DATAPATH", jsonPath = ".status.dataPath", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "L7", jsonPath = ".status.l7Visibility", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "REASON", jsonPath = ".status.reasons[0].code",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class WorkloadCapability extends CustomResource<WorkloadCapabilitySpec, WorkloadCapabilityStatus>
    implements Namespaced {}
