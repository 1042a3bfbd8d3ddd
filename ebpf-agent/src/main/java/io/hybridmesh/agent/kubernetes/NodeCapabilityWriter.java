package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps this node's {@code NodeCapability} (cluster-scoped, named after the node) current: created when
 * missing, its spec re-written by a JSON merge patch at every heartbeat. When the API server refuses or is
 * away the failure is logged once and the write retried with backoff (1 s doubling to the heartbeat); the
 * agent's data path goes on meanwhile.
 */
public final class NodeCapabilityWriter {

  private static final Logger LOG = Logger.getLogger(NodeCapabilityWriter.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final String nodeName;
  private final NodeReport report;
  private final String agentVersion;
  private final Duration heartbeat;
  private final Clock clock;
  private Duration backoff = FIRST_RETRY;
  private String failing;
  private long writes;

  public NodeCapabilityWriter(KubernetesClient client, String nodeName, NodeReport report, String agentVersion,
      Duration heartbeat, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.report = report;
    this.agentVersion = agentVersion;
    this.heartbeat = heartbeat;
    this.clock = clock;
  }

  /** Writes now, then keeps writing on {@code scheduler} until it is shut down. */
  public void start(ScheduledExecutorService scheduler) {
    scheduler.execute(() -> runAndReschedule(scheduler));
  }

  private void runAndReschedule(ScheduledExecutorService scheduler) {
    Duration next = writeOnce() ? heartbeat : nextBackoff();
    if (!scheduler.isShutdown()) {
      try {
        scheduler.schedule(() -> runAndReschedule(scheduler), next.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }
  }

  /** One create-or-patch; false (logged once per distinct failure) when the API server did not take it. */
  public synchronized boolean writeOnce() {
    NodeCapabilitySpec spec = NodeCapabilities.spec(report, agentVersion, clock.instant());
    try {
      var resource = client.resources(NodeCapability.class).withName(nodeName);
      if (resource.get() == null) {
        NodeCapability n = new NodeCapability();
        n.getMetadata().setName(nodeName);
        n.setSpec(spec);
        try {
          client.resource(n).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          // Created meanwhile (a restarted agent racing its old self): the patch below wins.
          resource.patch(PatchContext.of(PatchType.JSON_MERGE), NodeCapabilities.mergePatch(spec));
        }
      } else {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), NodeCapabilities.mergePatch(spec));
      }
      if (failing != null) {
        LOG.info("NodeCapability " + nodeName + " written again");
      }
      failing = null;
      backoff = FIRST_RETRY;
      writes++;
      return true;
    } catch (KubernetesClientException | IllegalStateException e) {
      String why = e.getMessage();
      if (failing == null) {
        LOG.warning("cannot write NodeCapability " + nodeName + " (" + why + "); retrying with backoff. The "
            + "controller guesses this node's kernel from the kubelet meanwhile.");
      }
      failing = why;
      return false;
    }
  }

  private synchronized Duration nextBackoff() {
    Duration d = backoff;
    backoff = backoff.multipliedBy(2).compareTo(heartbeat) > 0 ? heartbeat : backoff.multipliedBy(2);
    return d;
  }

  /** Successful writes so far; for tests and the summary. */
  public synchronized long writes() {
    return writes;
  }
}
