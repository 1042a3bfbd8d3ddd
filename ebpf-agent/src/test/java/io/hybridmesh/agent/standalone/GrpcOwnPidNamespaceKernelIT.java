package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A grpc-java server on netty-tcnative in a pid and mount namespace of its own, as in a container: the
 * library Netty loaded and deleted is reached through the host's {@code /proc/PID/map_files}, since the
 * {@code /proc} inside the process's root is its own pid namespace's and has no such PID.
 */
@KernelTest
public class GrpcOwnPidNamespaceKernelIT {

  private TwoHosts hosts;
  private GrpcPeers peers;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    peers = new GrpcPeers(hosts);
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
  }

  @AfterEach
  void tearDown() {
    agent.close();
    peers.close();
    hosts.close();
  }

  @Test
  void itsCallsAreReadThroughTheHostsMapFiles() throws IOException {
    int serverPid = peers.startServerInOwnPidNamespace(agent);
    assertTrue(agent.tlsProbedFiles(serverPid).stream().anyMatch(f -> f.startsWith("/proc/" + serverPid
        + "/map_files/")), agent.tlsProbedFiles(serverPid)::toString);

    List<String> out = peers.runClient(agent, "say=contained", "fail=gone");
    assertEquals(List.of("say OK said:contained", "fail NOT_FOUND gone"), out.subList(0, 2));

    Predicate<Flow> server = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.SERVER;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(4, sink.flows(server).size()));
    List<Flow> responses = sink.flows(server.and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
    assertEquals(List.of("OK", "NOT_FOUND"), responses.stream().map(f -> f.getL7().getGrpc().getStatusName())
        .toList());
    for (Flow f : sink.flows(server)) {
      assertEquals("/hmesh.peer.v1.Echo/Say", f.getL7().getHttp().getPath(), f::toString);
      int pid = f.getSource().getProcess().getPid() != 0 ? f.getSource().getProcess().getPid()
          : f.getDestination().getProcess().getPid();
      assertEquals(serverPid, pid, "the host's pid of the contained server");
    }
  }
}
