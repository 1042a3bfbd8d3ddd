package io.hybridmesh.agent.kernel;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.Bpf;

/**
 * One kernel feature and how the agent found out.
 *
 * @param how what was asked, e.g. {@code libbpf_probe_bpf_map_type(RINGBUF)}, or why nothing could be
 */
public record FeatureFinding(KernelFeature feature, Bpf.Support support, String how) {}
