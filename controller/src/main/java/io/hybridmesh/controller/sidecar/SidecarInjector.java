package io.hybridmesh.controller.sidecar;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.hybridmesh.xds.bootstrap.TokenGrpc;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.xds.bootstrap.BootstrapSettings;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.server.SidecarBootstraps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the Envoy sidecar to a pod template, or takes it out. Pure: a template in, a new template out.
 *
 * <p>Two init containers go first, in this order: {@code hmesh-init} installs the iptables redirect (as
 * Istio's istio-init does), then {@code hmesh-proxy} runs Envoy as a native sidecar (an init container with
 * restartPolicy Always, Kubernetes 1.29+), so it is up before the application's own init containers and
 * containers send a byte, and stops after them. A hash of both is kept in a template annotation: the same
 * hash means the template is already right and is not written again, so pods do not roll.
 *
 * <p>Envoy starts from {@link SidecarBootstrap}'s bootstrap, the same builder the demo uses, given on the
 * command line; its node id is the pod's {@code <name>.<namespace>}, which Kubernetes fills in from the
 * downward API ({@code $(VAR)} in args is expanded from the container's env).
 */
public final class SidecarInjector {

  public static final String PROXY = "hmesh-proxy";
  public static final String INIT = "hmesh-init";
  /** Kubernetes expands these in a container's args from its env: the downward API entries below. */
  public static final String POD_NAME_REF = "$(POD_NAME)";
  public static final String POD_NAMESPACE_REF = "$(POD_NAMESPACE)";
  /** With a token exchange: the pod's projected token (audience hybrid-mesh) and the CA as a file. */
  static final String TOKEN_VOLUME = "hmesh-token";
  static final String CA_VOLUME = "hmesh-ca";
  static final String TOKEN_DIR = "/var/run/secrets/hybrid-mesh";
  static final String CA_DIR = "/var/run/hybrid-mesh-ca";

  private final SidecarConfig config;

  public SidecarInjector(SidecarConfig config) {
    this.config = config;
  }

  /**
   * The bootstrap this workload's sidecars start from, as it stands in the pod template: the node id still
   * holds the downward-API references, which do not matter to which clusters it defines.
   */
  public Bootstrap bootstrap(String workload) {
    return SidecarBootstrap.build(bootstrapSettings(), POD_NAME_REF, POD_NAMESPACE_REF, workload);
  }

  /** Where the sidecars connect and how: TLS with the CA, and their token, when configured. */
  public BootstrapSettings bootstrapSettings() {
    BootstrapSettings settings = BootstrapSettings.oneServer(config.xdsHost(), config.xdsPort())
        .withAdminPort(config.adminPort());
    if (config.controlPlaneCaPem() != null) {
      settings = settings.withTls(new BootstrapSettings.ControlPlaneTls(config.controlPlaneCaPem(), config.xdsHost()));
    }
    if (config.tokenExchangeUri() != null) {
      settings = settings.withToken(new TokenGrpc(TOKEN_DIR + "/token", config.tokenExchangeUri()));
    }
    return settings;
  }

  /** For the xDS server: every workload's snapshot is checked against the bootstrap injected into its pods. */
  public SidecarBootstraps bootstraps() {
    return group -> bootstrap(group.workload());
  }

  /** The template with this workload's sidecar, replacing any earlier one. */
  public PodTemplateSpec inject(PodTemplateSpec template, String workload) {
    PodTemplateSpec t = remove(template);
    List<Container> sidecar = sidecar(workload);
    List<Container> init = new ArrayList<>(sidecar);
    init.addAll(t.getSpec().getInitContainers());
    t.getSpec().setInitContainers(init);
    if (config.tokenExchangeUri() != null) {
      List<Volume> volumes = new ArrayList<>(t.getSpec().getVolumes() == null ? List.of() : t.getSpec().getVolumes());
      volumes.add(new VolumeBuilder().withName(TOKEN_VOLUME).withNewProjected().addNewSource()
          .withNewServiceAccountToken().withAudience(SidecarBootstrap.TOKEN_AUDIENCE).withExpirationSeconds(3600L)
          .withPath("token").endServiceAccountToken().endSource().endProjected().build());
      volumes.add(new VolumeBuilder().withName(CA_VOLUME).withNewEmptyDir().withMedium("Memory").endEmptyDir()
          .build());
      t.getSpec().setVolumes(volumes);
    }
    Map<String, String> annotations = new LinkedHashMap<>(t.getMetadata().getAnnotations());
    annotations.put(HybridMeshNames.SIDECAR_HASH_ANNOTATION, hash(sidecar));
    t.getMetadata().setAnnotations(annotations);
    return t;
  }

  /** The template without any sidecar of ours. */
  public PodTemplateSpec remove(PodTemplateSpec template) {
    PodTemplateSpec t = new PodTemplateSpecBuilder(template).editOrNewMetadata().endMetadata()
        .editOrNewSpec().endSpec().build();
    List<Container> init = new ArrayList<>(t.getSpec().getInitContainers() == null ? List.of()
        : t.getSpec().getInitContainers());
    init.removeIf(c -> PROXY.equals(c.getName()) || INIT.equals(c.getName()));
    t.getSpec().setInitContainers(init);
    if (t.getSpec().getVolumes() != null) {
      List<Volume> volumes = new ArrayList<>(t.getSpec().getVolumes());
      volumes.removeIf(v -> TOKEN_VOLUME.equals(v.getName()) || CA_VOLUME.equals(v.getName()));
      t.getSpec().setVolumes(volumes);
    }
    Map<String, String> annotations = new LinkedHashMap<>(t.getMetadata().getAnnotations() == null ? Map.of()
        : t.getMetadata().getAnnotations());
    annotations.remove(HybridMeshNames.SIDECAR_HASH_ANNOTATION);
    t.getMetadata().setAnnotations(annotations);
    return t;
  }

  /** The template carries exactly this workload's current sidecar. */
  public boolean upToDate(PodTemplateSpec template, String workload) {
    return hash(sidecar(workload)).equals(annotation(template)) && names(template).containsAll(List.of(INIT, PROXY));
  }

  /** The template carries any sidecar of ours (or its hash). */
  public boolean present(PodTemplateSpec template) {
    List<String> names = names(template);
    return annotation(template) != null || names.contains(INIT) || names.contains(PROXY);
  }

  List<Container> sidecar(String workload) {
    return List.of(captureInit(), proxy(workload));
  }

  private Container captureInit() {
    ContainerBuilder b = new ContainerBuilder();
    String script = CaptureRules.script(config);
    if (config.tokenExchangeUri() != null) {
      // gRPC's token exchange over HTTPS reads its trusted CAs from a file only; the CA comes in an env var.
      script = "printf '%s' \"$HMESH_CA\" > " + CA_DIR + "/ca.crt\n" + script;
      b.addNewEnv().withName("HMESH_CA").withValue(config.controlPlaneCaPem()).endEnv()
          .addNewVolumeMount().withName(CA_VOLUME).withMountPath(CA_DIR).endVolumeMount();
    }
    return b
        .withName(INIT)
        .withImage(config.initImage())
        .withCommand("sh", "-c", script)
        .withNewSecurityContext()
          .withRunAsUser(0L).withRunAsNonRoot(false).withPrivileged(false).withAllowPrivilegeEscalation(false)
          .withNewCapabilities().withAdd("NET_ADMIN", "NET_RAW").withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .withResources(resources("10m", "16Mi", null, "64Mi"))
        .build();
  }

  private Container proxy(String workload) {
    ContainerBuilder b = new ContainerBuilder();
    if (config.tokenExchangeUri() != null) {
      b.addNewEnv().withName("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH").withValue(CA_DIR + "/ca.crt").endEnv()
          .addNewVolumeMount().withName(TOKEN_VOLUME).withMountPath(TOKEN_DIR).withReadOnly(true).endVolumeMount()
          .addNewVolumeMount().withName(CA_VOLUME).withMountPath(CA_DIR).withReadOnly(true).endVolumeMount();
    }
    return b
        .withName(PROXY)
        .withImage(config.proxyImage())
        .withRestartPolicy("Always")
        .withCommand("envoy")
        .withArgs("--config-yaml", SidecarBootstrap.toSingleLineJson(bootstrap(workload)), "--log-level", "warn")
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
          .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
        .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
          .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
        .addNewPort().withName("hm-outbound").withContainerPort(config.outboundPort()).withProtocol("TCP").endPort()
        .addNewPort().withName("hm-inbound").withContainerPort(config.inboundPort()).withProtocol("TCP").endPort()
        .withNewSecurityContext()
          .withRunAsUser(config.proxyUid()).withRunAsGroup(config.proxyUid()).withRunAsNonRoot(true)
          .withAllowPrivilegeEscalation(false)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .withResources(resources(config.cpuRequest(), config.memoryRequest(), config.cpuLimit(), config.memoryLimit()))
        .build();
  }

  private static ResourceRequirements resources(String cpu, String memory, String cpuLimit, String memoryLimit) {
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    put(b, true, "cpu", cpu);
    put(b, true, "memory", memory);
    put(b, false, "cpu", cpuLimit);
    put(b, false, "memory", memoryLimit);
    return b.build();
  }

  private static void put(ResourceRequirementsBuilder b, boolean request, String name, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    if (request) {
      b.addToRequests(name, new Quantity(value));
    } else {
      b.addToLimits(name, new Quantity(value));
    }
  }

  static String hash(List<Container> sidecar) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Serialization.asJson(sidecar).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JRE has SHA-256
    }
  }

  private static String annotation(PodTemplateSpec t) {
    Map<String, String> a = t.getMetadata() == null ? null : t.getMetadata().getAnnotations();
    return a == null ? null : a.get(HybridMeshNames.SIDECAR_HASH_ANNOTATION);
  }

  private static List<String> names(PodTemplateSpec t) {
    if (t.getSpec() == null || t.getSpec().getInitContainers() == null) {
      return List.of();
    }
    return t.getSpec().getInitContainers().stream().map(Container::getName).toList();
  }
}
