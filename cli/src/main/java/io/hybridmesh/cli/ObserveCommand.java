package io.hybridmesh.cli;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.agent.flow.ProtoJson;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code hmesh observe}: flows from the Observer API, with {@code hubble observe}'s flags. */
@Command(
    name = "observe",
    mixinStandardHelpOptions = true,
    description = "Show flows from the Observer API (as 'hubble observe' does).")
public final class ObserveCommand implements Callable<Integer> {

  /** Flows per response asked of the server: one message per flow costs more than the flow. */
  static final int BATCH_SIZE = 256;

  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "Observer API address (default: ${DEFAULT-VALUE}).")
  String server = ObserverServer.DEFAULT_HOST + ":" + ObserverServer.DEFAULT_PORT;

  @Option(names = "--last", paramLabel = "N", description = "The last N flows (default 20 without --follow,"
      + " --first, --since or --until).")
  Long last;

  @Option(names = "--first", paramLabel = "N", description = "The first (oldest) N flows.")
  Long first;

  @Option(names = {"-f", "--follow"}, description = "Keep streaming new flows.")
  boolean follow;

  @Option(names = "--since", paramLabel = "TIME",
      description = "Flows from this time: a duration ago (5m, 1h30m, '5m ago') or RFC 3339.")
  String since;

  @Option(names = "--until", paramLabel = "TIME",
      description = "Flows before this time: a duration ago (5m, '5m ago') or RFC 3339.")
  String until;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      description = "compact (default), table or json (one GetFlowsResponse per line).")
  String output = "compact";

  // Filter flags: picocli hands each occurrence, in command-line order, to FilterConsumer, so that
  // --not applies to exactly the next filter flag. The fields only carry the help text.
  @Option(names = "--not", arity = "0", parameterConsumer = FilterConsumer.class,
      description = "Negate the next filter flag (it goes to the deny list).")
  boolean not;
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side in this namespace.")
  String namespace;
  @Option(names = "--from-namespace", paramLabel = "NS", parameterConsumer = FilterConsumer.class)
  String fromNamespace;
  @Option(names = "--to-namespace", paramLabel = "NS", parameterConsumer = FilterConsumer.class)
  String toNamespace;
  @Option(names = "--pod", paramLabel = "[NS/]POD", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side a pod with this name prefix.")
  String pod;
  @Option(names = "--from-pod", paramLabel = "[NS/]POD", parameterConsumer = FilterConsumer.class)
  String fromPod;
  @Option(names = "--to-pod", paramLabel = "[NS/]POD", parameterConsumer = FilterConsumer.class)
  String toPod;
  @Option(names = "--ip", paramLabel = "IP|CIDR", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side at this address or in this CIDR.")
  String ip;
  @Option(names = "--from-ip", paramLabel = "IP|CIDR", parameterConsumer = FilterConsumer.class)
  String fromIp;
  @Option(names = "--to-ip", paramLabel = "IP|CIDR", parameterConsumer = FilterConsumer.class)
  String toIp;
  @Option(names = "--port", paramLabel = "PORT", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side on this port.")
  String port;
  @Option(names = "--from-port", paramLabel = "PORT", parameterConsumer = FilterConsumer.class)
  String fromPort;
  @Option(names = "--to-port", paramLabel = "PORT", parameterConsumer = FilterConsumer.class)
  String toPort;
  @Option(names = "--protocol", paramLabel = "PROTO", parameterConsumer = FilterConsumer.class,
      description = "tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns, grpc.")
  String protocol;
  @Option(names = {"-t", "--type"}, paramLabel = "TYPE", parameterConsumer = FilterConsumer.class,
      description = "l7 or l3/l4.")
  String type;
  @Option(names = "--verdict", paramLabel = "VERDICT", parameterConsumer = FilterConsumer.class,
      description = "FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, TRACED, TRANSLATED.")
  String verdict;
  @Option(names = "--http-method", paramLabel = "METHOD", parameterConsumer = FilterConsumer.class)
  String httpMethod;
  @Option(names = "--http-status", paramLabel = "CODE", parameterConsumer = FilterConsumer.class,
      description = "Exact (404) or prefix (5+, 40+).")
  String httpStatus;
  @Option(names = "--http-path", paramLabel = "REGEX", parameterConsumer = FilterConsumer.class)
  String httpPath;
  @Option(names = "--grpc-service", paramLabel = "SERVICE", parameterConsumer = FilterConsumer.class,
      description = "package.Service, or package.Service/Method.")
  String grpcService;
  @Option(names = "--grpc-status", paramLabel = "STATUS", parameterConsumer = FilterConsumer.class,
      description = "A code (5) or a name (NOT_FOUND).")
  String grpcStatus;
  @Option(names = "--data-path", paramLabel = "PATH", parameterConsumer = FilterConsumer.class,
      description = "ebpf or sidecar.")
  String dataPath;
  @Option(names = "--label", paramLabel = "SELECTOR", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side matching this label selector (app=web, source:key=value, !key).")
  String label;
  @Option(names = "--from-label", paramLabel = "SELECTOR", parameterConsumer = FilterConsumer.class)
  String fromLabel;
  @Option(names = "--to-label", paramLabel = "SELECTOR", parameterConsumer = FilterConsumer.class)
  String toLabel;
  @Option(names = "--workload", paramLabel = "[KIND/]NAME", parameterConsumer = FilterConsumer.class,
      description = "Flows with either side in this workload.")
  String workload;
  @Option(names = "--from-workload", paramLabel = "[KIND/]NAME", parameterConsumer = FilterConsumer.class)
  String fromWorkload;
  @Option(names = "--to-workload", paramLabel = "[KIND/]NAME", parameterConsumer = FilterConsumer.class)
  String toWorkload;
  @Option(names = "--node-name", paramLabel = "NODE", parameterConsumer = FilterConsumer.class,
      description = "Flows seen on this node (a glob: node-*).")
  String nodeName;
  @Option(names = "--reporter", paramLabel = "END", parameterConsumer = FilterConsumer.class,
      description = "client or server: which end of the connection saw the flow.")
  String reporter;
  @Option(names = "--traffic-direction", paramLabel = "DIR", parameterConsumer = FilterConsumer.class,
      description = "ingress or egress.")
  String trafficDirection;
  @Option(names = "--is-reply", paramLabel = "BOOL", parameterConsumer = FilterConsumer.class,
      description = "true: only replies; false: only the initiating direction.")
  String isReply;

  @CommandLine.Mixin
  ClientTls tls = new ClientTls();

  final FilterFlags filters = new FilterFlags();

  PrintStream out = System.out;
  PrintStream err = System.err;
  ZoneId zone = ZoneId.systemDefault();

  /** Feeds filter flags to {@link FilterFlags} in the order they appear. */
  static final class FilterConsumer implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      ObserveCommand cmd = (ObserveCommand) commandSpec.userObject();
      String name = ((CommandLine.Model.OptionSpec) argSpec).longestName();
      try {
        if (name.equals("--not")) {
          cmd.filters.not();
          return;
        }
        if (args.isEmpty()) {
          throw new CommandLine.ParameterException(commandSpec.commandLine(), name + " needs a value");
        }
        cmd.filters.add(name, args.pop());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
      }
    }
  }

  @Override
  public Integer call() {
    GetFlowsRequest req;
    try {
      req = request(Instant.now());
    } catch (IllegalArgumentException e) {
      err.println("hmesh observe: " + e.getMessage());
      return 2;
    }
    String fmt = output.toLowerCase(Locale.ROOT);
    if (!fmt.equals("compact") && !fmt.equals("table") && !fmt.equals("json") && !fmt.equals("jsonpb")) {
      err.println("hmesh observe: -o takes compact, table or json, not '" + output + "'");
      return 2;
    }
    ManagedChannel channel;
    try {
      channel = tls.channel(server);
    } catch (IllegalArgumentException e) {
      err.println("hmesh observe: " + e.getMessage());
      return 2;
    }
    try {
      return stream(ObserverGrpc.newBlockingStub(channel).getFlows(req), fmt);
    } catch (StatusRuntimeException e) {
      return failure(e.getStatus());
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private int stream(Iterator<GetFlowsResponse> it, String fmt) {
    CompactPrinter p = new CompactPrinter(zone);
    boolean header = fmt.equals("table");
    StringBuilder json = new StringBuilder(1024);
    while (it.hasNext()) {
      GetFlowsResponse r = it.next();
      if (header) {
        out.println(CompactPrinter.TABLE_HEADER);
        header = false;
      }
      if (r.hasFlow() || r.hasFlows()) {
        for (Flow flow : r.hasFlow() ? List.of(r.getFlow()) : r.getFlows().getFlowsList()) {
          if (fmt.startsWith("json")) {
            // One flow per line, the proto3 JSON of Flow, as `hmesh agent --print jsonl` writes it.
            json.setLength(0);
            ProtoJson.write(flow, json);
            out.println(json);
          } else {
            out.println(fmt.equals("table") ? p.table(flow) : p.compact(flow));
          }
        }
      } else if (r.hasLostEvents()) {
        out.flush();
        err.println(CompactPrinter.lost(r.getLostEvents()));
      } else if (r.hasNodeStatus() && !r.getNodeStatus().getMessage().isEmpty()) {
        err.println("node " + String.join(",", r.getNodeStatus().getNodeNamesList()) + ": "
            + r.getNodeStatus().getStateChange().name() + ": " + r.getNodeStatus().getMessage());
      }
      if (follow) {
        out.flush();
      }
    }
    out.flush();
    return 0;
  }

  private int failure(Status s) {
    String mismatch = tls.mismatch(s, server);
    if (mismatch != null) {
      err.println("hmesh observe: " + mismatch);
      return 1;
    }
    String why = s.getDescription() != null ? s.getDescription()
        : s.getCause() != null ? s.getCause().getMessage() : s.getCode().name();
    switch (s.getCode()) {
      case INVALID_ARGUMENT -> {
        err.println("hmesh observe: the server refused the request: " + why);
        return 2;
      }
      case UNAVAILABLE -> {
        err.println("hmesh observe: cannot reach the Observer API at " + server + ": " + reason(s)
            + "; is `hmesh agent --serve` running?");
        return 1;
      }
      case CANCELLED -> {
        return 0;
      }
      default -> {
        err.println("hmesh observe: the Observer API at " + server + " failed: " + s.getCode() + ": " + why);
        return 1;
      }
    }
  }

  /** The short cause of an UNAVAILABLE status, e.g. "connection refused". */
  public static String reason(Status s) {
    String text = (s.getDescription() == null ? "" : s.getDescription()) + " "
        + (s.getCause() == null ? "" : s.getCause().toString());
    String low = text.toLowerCase(Locale.ROOT);
    if (low.contains("connection refused")) {
      return "connection refused";
    }
    if (low.contains("unknownhost") || low.contains("unresolved")) {
      return "unknown host";
    }
    if (low.contains("timed out") || low.contains("timeout")) {
      return "connection timed out";
    }
    return s.getDescription() != null ? s.getDescription() : "unavailable";
  }

  /** The request the flags describe; {@code now} anchors relative times. */
  GetFlowsRequest request(Instant now) {
    filters.finish();
    GetFlowsRequest.Builder b = GetFlowsRequest.newBuilder().setFollow(follow).setBatchSize(BATCH_SIZE)
        .addAllAllow(filters.allow()).addAllDeny(filters.deny());
    if (last != null && first != null) {
      throw new IllegalArgumentException("--last and --first cannot be used together");
    }
    if ((last != null && last < 0) || (first != null && first < 0)) {
      throw new IllegalArgumentException("--last and --first take a number of flows, 0 or more");
    }
    if (first != null) {
      b.setNumber(first).setFirst(true);
    } else if (last != null) {
      b.setNumber(last);
    } else if (!follow && since == null && until == null) {
      b.setNumber(20);
    }
    if (since != null) {
      b.setSince(timestamp(parseTime("--since", since, now)));
    }
    if (until != null) {
      b.setUntil(timestamp(parseTime("--until", until, now)));
    }
    return b.build();
  }

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** {@code 5m}, {@code 1h30m}, {@code 5m ago}, or an RFC 3339 time. */
  static Instant parseTime(String flag, String value, Instant now) {
    String v = value.trim();
    String rel = v.endsWith(" ago") ? v.substring(0, v.length() - 4).trim() : v;
    Matcher m = PART.matcher(rel);
    Duration d = Duration.ZERO;
    int at = 0;
    while (!rel.isEmpty() && m.find() && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      at = m.end();
    }
    if (at > 0 && at == rel.length()) {
      return now.minus(d);
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(flag + " '" + value + "' is neither a duration ago (5m, 1h30m)"
          + " nor an RFC 3339 time (2024-11-27T06:22:26Z)");
    }
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
