package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.controller.status.Plan.Note;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kubernetes Events on a workload (core/v1, what {@code kubectl describe} shows). Best effort: a lost Event
 * must never fail a reconcile, because the same message is in the WorkloadCapability's status too.
 */
public final class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  static final String COMPONENT = "hmesh-controller";

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(WorkloadKind<?> kind, HasMetadata workload, Note note) {
    String ns = workload.getMetadata().getNamespace();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String message = note.message().length() > 1000 ? note.message().substring(0, 997) + "..." : note.message();
    Event e = new EventBuilder()
        .withNewMetadata()
          .withNamespace(ns)
          .withName(workload.getMetadata().getName() + "." + Long.toHexString(clock.millis())
              + Long.toHexString(sequence.incrementAndGet()))
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(kind.apiVersion()).withKind(kind.kind()).withNamespace(ns)
          .withName(workload.getMetadata().getName()).withUid(workload.getMetadata().getUid())
        .endInvolvedObject()
        .withType(note.warning() ? "Warning" : "Normal")
        .withReason(note.reason())
        .withMessage(message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(ns).resource(e).create();
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "could not record the event " + note.reason() + " on " + kind.kind() + " " + ns + "/"
          + workload.getMetadata().getName() + ": " + ex.getMessage());
    }
  }
}
