package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.RingBufferReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The TC connection-tracking programs ({@code bpf/tc_flow.bpf.c}) on a set of interfaces.
 *
 * <p>Each attached interface gets its own instance of the object, so that its endpoint id and link-layer
 * header length are load-time constants. All instances share one connection table, one ring buffer and
 * one counter array, created by an "anchor" instance that is loaded but never attached: the shared maps
 * then live exactly as long as this data path, whichever interfaces come and go.
 *
 * <p>The programs come in two builds of one source: with BPF atomics for the entries several CPUs share
 * (Linux 5.12 and later), and without them for older kernels, whose verifier refuses those instructions.
 * The anchor tries them in that order and every interface then gets the build the kernel took.
 */
public final class TcDatapath implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TcDatapath.class.getName());
  static final String CONNECTIONS = "hm_conns";
  /** Per connection, the request the TC programs read and wait to pair with its answer (hm_tc_http.h). */
  static final String TC_HTTP = "hm_tc_http";
  static final String EVENTS = EventOutput.EVENTS;

  private final Bpf bpf;
  private final byte[] elf;
  private final String objectName;
  private final TcSettings settings;
  private final BpfObject anchor;
  private final RingBufferReader events;
  private final EventOutput output;
  private final TcLinker linker;
  private final boolean readHttp;

  /** The packaged programs: the build with atomics, else the one without. */
  public TcDatapath(Bpf bpf, TcSettings settings) {
    this(bpf, settings, false);
  }

  /**
   * The same, and with {@code readHttp} the programs also read plaintext HTTP/1.x exchanges of the connections
   * that open with it ({@code --plaintext tc}: {@code HM_EVENT_TC_HTTP} records).
   */
  public TcDatapath(Bpf bpf, TcSettings settings, boolean readHttp) {
    this(bpf, settings, readHttp, BpfObjects.TC_FLOW, BpfObjects.TC_FLOW_NO_ATOMICS);
  }

  /** The first of these packaged objects ({@link BpfObjects}) that the kernel loads. */
  public TcDatapath(Bpf bpf, TcSettings settings, String... objects) {
    this(bpf, settings, false, objects);
  }

  private TcDatapath(Bpf bpf, TcSettings settings, boolean readHttp, String... objects) {
    this.bpf = bpf;
    this.settings = settings;
    this.readHttp = readHttp;
    this.linker = new TcLinker(bpf, settings.attach());
    Loaded loaded = loadFirst(objects);
    this.elf = loaded.elf();
    this.objectName = loaded.name();
    this.anchor = loaded.anchor();
    try {
      this.events = anchor.ringBuffer(EVENTS);
      this.output = new EventOutput(anchor.map(EVENTS), anchor.map(EventOutput.STATS),
          anchor.map(EventOutput.UNWOKEN), EventOutput.perCpu(settings.wakeupBytes(), bpf.possibleCpus()));
    } catch (RuntimeException e) {
      anchor.close();
      throw e;
    }
  }

  private record Loaded(String name, byte[] elf, BpfObject anchor) {}

  private Loaded loadFirst(String... objects) {
    BpfException refused = null;
    for (String name : objects) {
      byte[] bytes = BpfObjects.load(name);
      BpfObject o = bpf.open("tc_flow(anchor)", bytes);
      try {
        o.setMapMaxEntries(EVENTS, settings.ringBufferBytes());
        o.setMapMaxEntries(CONNECTIONS, settings.connectionTableSize());
        // An LRU table is allocated whole at load: 200 bytes an entry, so only as many as are used. A quarter of
        // the connections waiting for an answer at once is far more than a server has in flight.
        o.setMapMaxEntries(TC_HTTP, readHttp ? Math.max(16, settings.connectionTableSize() / 4) : 1);
        o.load();
      } catch (BpfException e) {
        o.close();
        if (refused == null) {
          refused = e;
        } else {
          refused.addSuppressed(e);
        }
        continue;
      } catch (RuntimeException e) {
        o.close();
        throw e;
      }
      if (refused != null) {
        LOG.info("This kernel refused " + objects[0] + " (" + refused.getMessage() + "); loaded " + name
            + ", whose connection entries are updated without atomics (Linux before 5.12): a TCP flag "
            + "seen on two CPUs at once can be missed.");
      }
      return new Loaded(name, bytes, o);
    }
    throw refused != null ? refused : new IllegalArgumentException("no TC object named");
  }

  /** tcx or legacy, once an interface was attached ({@link TcAttach#AUTO} before). */
  public TcAttach attachMode() {
    return linker.inUse();
  }

  /** Legacy filters an earlier run left, removed as tcx links took their interfaces over. */
  public int leftoversRemoved() {
    return linker.leftoversRemoved();
  }

  /** Which build of the programs the kernel took ({@link BpfObjects#TC_FLOW} or the one without atomics). */
  public String objectName() {
    return objectName;
  }

  /** Whether the programs read plaintext HTTP/1.x exchanges ({@code --plaintext tc}). */
  public boolean readsHttp() {
    return readHttp;
  }

  public BpfMap connections() {
    return anchor.map(CONNECTIONS);
  }

  public BpfMap stats() {
    return output.stats();
  }

  /** The ring buffer and counters every other object reports through, with this node's wakeup threshold. */
  public EventOutput output() {
    return output;
  }

  public RingBufferReader events() {
    return events;
  }

  public int possibleCpus() {
    return bpf.possibleCpus();
  }

  /**
   * Loads an instance for one interface and attaches it to the interface's ingress and egress hooks.
   * Closing the returned attachment detaches both and unloads the instance.
   */
  public Attachment attach(int endpointId, Path netns, String interfaceName, int l2HeaderLength) {
    BpfObject o = bpf.open("tc_flow(" + interfaceName + ")", elf);
    List<BpfLink> links = new ArrayList<>(2);
    try {
      o.setRodata("endpoint_id", NativeBytes.u32(endpointId));
      o.setRodata("l2_header_len", NativeBytes.u32(l2HeaderLength));
      o.setRodata("report_interval_ns", NativeBytes.u64(settings.reportInterval().toNanos()));
      o.setRodata("read_http", new byte[] {(byte) (readHttp ? 1 : 0)});
      output.shareWith(o);
      o.reuseMap(CONNECTIONS, anchor.map(CONNECTIONS));
      o.reuseMap(TC_HTTP, anchor.map(TC_HTTP));
      o.load();
      links.addAll(linker.attach(o, netns, interfaceName));
      return new Attachment(endpointId, interfaceName, o, links);
    } catch (RuntimeException e) {
      links.forEach(BpfLink::close);
      o.close();
      throw e;
    }
  }

  @Override
  public void close() {
    events.close();
    anchor.close();
  }

  /** One interface's programs; {@link #close()} detaches them. */
  public static final class Attachment implements AutoCloseable {
    private final int endpointId;
    private final String interfaceName;
    private final BpfObject object;
    private final List<BpfLink> links;

    Attachment(int endpointId, String interfaceName, BpfObject object, List<BpfLink> links) {
      this.endpointId = endpointId;
      this.interfaceName = interfaceName;
      this.object = object;
      this.links = links;
    }

    public int endpointId() {
      return endpointId;
    }

    public String interfaceName() {
      return interfaceName;
    }

    public List<String> describe() {
      return links.stream().map(BpfLink::description).toList();
    }

    @Override
    public void close() {
      links.forEach(BpfLink::close);
      object.close();
    }
  }
}
