import { useEffect, useRef, useState } from 'preact/hooks';
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { getJSON, query } from './api.js';
import { edgeLabel, nodeLabel } from './lib/format.js';
import { edgeFilter } from './lib/filters.js';
import { DEFAULT_WINDOW, mapPath } from './lib/route.js';
import { Report } from './reports.jsx';

cytoscape.use(fcose);

const WINDOWS = ['1m', '5m', '15m', '1h', '6h', '24h'];
const DATA_PATHS = ['', 'EBPF', 'SIDECAR', 'NONE', 'PENDING', 'UNREPORTED'];
/** Past this many edges, labels and animations cost more than they tell: they show on selection only. */
const LABELLED_EDGES = 400;
/** Past this many nodes the force layout would hold the first paint: a grid first, the force layout after. */
const QUICK_FIRST_PAINT = 150;

const NODE_STYLE = [
  { selector: 'node', style: {
    shape: 'round-rectangle', width: 'data(w)', height: 'data(h)',
    'background-color': '#e0e0e0', 'border-width': 2, 'border-color': '#616161',
    label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
    'font-size': 11, 'font-family': 'DejaVu Sans, sans-serif', color: '#111', 'min-zoomed-font-size': 6,
  } },
  { selector: 'node[dataPath = "EBPF"]', style: { 'background-color': '#c8e6c9', 'border-color': '#2e7d32' } },
  { selector: 'node[dataPath = "SIDECAR"]', style: { 'background-color': '#ffe0b2', 'border-color': '#e65100' } },
  { selector: 'node[dataPath = "NONE"]', style: { 'background-color': '#eeeeee', 'border-color': '#9e9e9e' } },
  { selector: 'node[dataPath = "PENDING"]', style: { 'background-color': '#fff9c4', 'border-color': '#9e9d24' } },
  { selector: 'node[?unreported]', style: { 'background-color': '#fff', 'border-style': 'dashed' } },
];
const SELECTED = [
  { selector: ':selected', style: { 'border-width': 4, 'line-color': '#1565c0', 'target-arrow-color': '#1565c0', label: 'data(label)' } },
  // (A large map's edges carry no text properties until one is selected.)
  { selector: 'edge:selected', style: { 'font-size': 9, color: '#37474f', 'text-background-color': '#fff',
    'text-background-opacity': 0.85, 'text-background-padding': '2px' } },
];

/** A map of few edges: curved, with arrows and their figures as labels. */
const STYLE = [
  ...NODE_STYLE,
  { selector: 'edge', style: {
    width: 'data(width)', 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae', 'target-arrow-shape': 'triangle',
    'curve-style': 'bezier', 'font-size': 9, color: '#37474f', 'text-background-color': '#fff',
    'text-background-opacity': 0.85, 'text-background-padding': '2px', 'min-zoomed-font-size': 7,
    label: 'data(label)', 'text-rotation': 'autorotate',
  } },
  { selector: 'edge[?failing]', style: { 'line-color': '#c62828', 'target-arrow-color': '#c62828' } },
  ...SELECTED,
];

/**
 * A map of many edges: straight lines (a fraction of curves' cost to place and draw) without labels, their
 * figures shown on selection; every style property an edge does not draw is one fewer to apply per edge.
 */
const MANY_EDGES_STYLE = [
  ...NODE_STYLE,
  { selector: 'edge', style: {
    width: 'data(width)', 'line-color': '#90a4ae', 'curve-style': 'haystack', 'haystack-radius': 0,
  } },
  { selector: 'edge[?failing]', style: { 'line-color': '#c62828' } },
  ...SELECTED,
];

/**
 * The map's elements. A large map (quick) gets its node labels after the first paint: at the zoom that shows
 * hundreds of workloads they are below the readable size and not drawn, yet measuring them would hold the
 * paint for a second.
 */
function elements(result, quick, grid) {
  const nodes = result.nodes.map((n) => {
    const label = nodeLabel(n);
    // Sized from the label's longest line: measuring text per node would hold the first paint of a large map.
    const longest = Math.max(...label.split('\n').map((l) => l.length));
    return { group: 'nodes', data: {
      id: n.id, label: quick ? '' : label, fullLabel: label, w: 16 + longest * 7, h: 40, dataPath: n.reported ? n.dataPath : '', unreported: !n.reported, node: n,
    }, position: grid ? { ...grid.at.get(n.id) } : undefined };
  });
  const edges = result.edges.map((e) => {
    const load = e.l7 ? e.l7.requestRate : e.l4 ? e.l4.connections / 10 : 0;
    return { group: 'edges', data: {
      id: e.id, source: e.source, target: e.target, label: edgeLabel(e),
      failing: !!(e.l7 && e.l7.errorRate > 0.05), width: Math.min(8, 1.5 + Math.log2(1 + load)), edge: e,
    } };
  });
  return [...nodes, ...edges];
}

const CELL_W = 200;
const CELL_H = 70;

/**
 * The quick layout of a large map: workloads in a grid sorted by namespace and name, as positions given with
 * the elements (a layout run afterwards moves every node and dirties every edge once more), and the view set
 * by arithmetic. Nothing is measured: fitting or overlap checks would compute the geometry of every edge.
 */
function gridPositions(ids, width, height) {
  const w = Math.max(width, 100);
  const h = Math.max(height, 100);
  const cols = Math.max(1, Math.ceil(Math.sqrt((ids.length * w * CELL_H) / (h * CELL_W))));
  const rows = Math.ceil(ids.length / cols);
  const at = new Map();
  [...ids].sort().forEach((id, i) => at.set(id, { x: (i % cols) * CELL_W, y: Math.floor(i / cols) * CELL_H }));
  const zoom = Math.min((w - 60) / (cols * CELL_W), (h - 60) / (rows * CELL_H), 1.5);
  return { at, viewport: { zoom, pan: { x: 30 + (CELL_W / 2) * zoom, y: 30 + (CELL_H / 2) * zoom } } };
}

/** The force layout: readable, but seconds on a large map; fitted to the workloads (not every edge's curve). */
function forceLayout(cy, done) {
  const l = cy.layout({ name: 'fcose', quality: 'default', randomize: true, animate: false,
    nodeDimensionsIncludeLabels: false, idealEdgeLength: 160, nodeRepulsion: 9000, packComponents: true, fit: false });
  l.one('layoutstop', () => {
    cy.resize();
    cy.fit(cy.nodes(), 30);
    done();
  });
  l.run();
}

/**
 * Calls f once the map has been painted: at the first animation frame after which the canvas holds the drawn
 * workloads (cytoscape draws in its own frame callback, which runs before ours), once that frame has been
 * rendered (a message posted during the frame is handled after the browser has painted it). The check reads
 * the pixels where a workload sits, so a frame in which cytoscape drew nothing yet is not taken for the paint.
 */
function afterDrawn(cy, container, t, f) {
  const check = () => {
    if (cy.destroyed()) return;
    t.frame = t.frame || performance.now();
    if (!drawn(cy, container)) {
      requestAnimationFrame(check);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => f();
    channel.port2.postMessage(null);
  };
  requestAnimationFrame(check);
}

/** Whether some canvas of the map has pixels where its first workload is drawn (3 x 3 device pixels). */
function drawn(cy, container) {
  const n = cy.nodes()[0];
  if (!n || !container) return true;
  const p = n.renderedPosition();
  for (const c of container.querySelectorAll('canvas')) {
    const g = c.getContext('2d');
    if (!g || !c.clientWidth) continue;
    const scale = c.width / c.clientWidth;
    const x = Math.max(0, Math.round(p.x * scale) - 1);
    const y = Math.max(0, Math.round(p.y * scale) - 1);
    const px = g.getImageData(x, y, 3, 3).data;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
  }
  return false;
}

/**
 * The map's answer: the one asked for before the page's script ran (early.js) if it is this one, once.
 * t.asked is when the request went out.
 */
function getMap(path, t) {
  const early = window.hmeshEarlyMap;
  window.hmeshEarlyMap = null;
  if (early && early.path === path) {
    t.asked = early.asked;
    return early.answer;
  }
  return getJSON(path);
}

export function MapPage() {
  const box = useRef(null);
  const cyRef = useRef(null);
  const styleRef = useRef(null);
  const [win, setWin] = useState(DEFAULT_WINDOW);
  const [ns, setNs] = useState('');
  const [dp, setDp] = useState('');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const cy = cytoscape({ container: box.current, minZoom: 0.05, maxZoom: 3, pixelRatio: 1,
      wheelSensitivity: 0.3, hideEdgesOnViewport: true, textureOnViewport: true });
    // (A large map is drawn from a texture while it pans and zooms, edges back after: the page stays smooth.)
    cyRef.current = cy;
    window.hmeshMap = { cy, paintedAt: null, layoutDoneAt: null, requests: 0 };
    cy.on('tap', 'node', (ev) => setSelected({ node: ev.target.data('node') }));
    cy.on('tap', 'edge', (ev) => {
      const e = ev.target.data('edge');
      const n = {};
      cy.nodes().forEach((x) => { n[x.id()] = x.data('node'); });
      location.hash = `#/flows?${query({ filter: edgeFilter(n[e.source], n[e.target]) })}`;
    });
    cy.on('tap', (ev) => { if (ev.target === cy) setSelected(null); });
    return () => {
      cy.destroy();
      if (window.hmeshMap && window.hmeshMap.cy === cy) window.hmeshMap = null;
    };
  }, []);

  useEffect(() => {
    let stop = false;
    window.hmeshMap.requests++;
    // (asked: the request left; started: the page's script got here; built: its elements made; added: given
    // to cytoscape; frame: the first animation frame after, where cytoscape draws.)
    const t = { asked: performance.now() };
    t.started = t.asked;
    window.hmeshMap.timing = t;
    getMap(mapPath(win, ns, dp), t).then((d) => {
      if (stop) return;
      t.answered = performance.now();
      setData(d);
      setError(null);
      const cy = cyRef.current;
      const quick = d.result.nodes.length > QUICK_FIRST_PAINT;
      const grid = quick ? gridPositions(d.result.nodes.map((n) => n.id), cy.width(), cy.height()) : null;
      const style = d.result.edges.length <= LABELLED_EDGES ? STYLE : MANY_EDGES_STYLE;
      const els = elements(d.result, quick, grid);
      t.built = performance.now();
      cy.batch(() => {
        cy.elements().remove();
        if (styleRef.current !== style) {
          cy.style(style);
          styleRef.current = style;
        }
        cy.add(els);
        if (grid) cy.viewport(grid.viewport);
      });
      // Laid out: the second frame after the layout comes after cytoscape's draw of the first.
      const afterPaint = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
      t.added = performance.now();
      const laidOut = quick ? (done) => done() : (done) => forceLayout(cy, done);
      laidOut(() => { t.laidOut = performance.now(); afterDrawn(cy, box.current, t, () => {
        window.hmeshMap.paintedAt = performance.now();
        window.hmeshMap.painted = { nodes: cy.nodes().length, edges: cy.edges().length };
        if (quick) {
          // Then the labels, a hundred at a time so that the page answers meanwhile, and the force layout.
          const pending = cy.nodes().toArray();
          const next = () => {
            if (stop || cy.destroyed()) return;
            cy.batch(() => pending.splice(0, 100).forEach((n) => n.data('label', n.data('fullLabel'))));
            if (pending.length) setTimeout(next, 0);
            else forceLayout(cy, () => afterPaint(() => { window.hmeshMap.layoutDoneAt = performance.now(); }));
          };
          setTimeout(next, 50);
        } else {
          window.hmeshMap.layoutDoneAt = window.hmeshMap.paintedAt;
        }
      }); });
    }, (e) => { if (!stop) setError(e.message); });
    return () => { stop = true; };
  }, [win, ns, dp, tick]);

  // The side panel takes room from the map: cytoscape must learn its new size.
  const panelOpen = !!selected;
  useEffect(() => {
    const cy = cyRef.current;
    if (cy && cy.nodes().length) {
      cy.resize();
      cy.fit(cy.nodes(), 30);
    }
  }, [panelOpen]);

  const namespaces = new Set();
  if (data) {
    data.result.nodes.forEach((n) => { if (n.namespace) namespaces.add(n.namespace); });
  }
  if (ns) namespaces.add(ns);
  return (
    <div class="page map-page">
      <div class="controls">
        <label>Namespace <select value={ns} onChange={(e) => setNs(e.target.value)} data-testid="map-namespace">
          <option value="">all</option>
          {[...namespaces].sort().map((n) => <option key={n} value={n}>{n}</option>)}
        </select></label>
        <label>Data path <select value={dp} onChange={(e) => setDp(e.target.value)} data-testid="map-datapath">
          {DATA_PATHS.map((d) => <option key={d} value={d}>{d ? d.toLowerCase() : 'all'}</option>)}
        </select></label>
        <label>Window <select value={win} onChange={(e) => setWin(e.target.value)} data-testid="map-window">
          {WINDOWS.map((w) => <option key={w} value={w}>last {w}</option>)}
        </select></label>
        <button onClick={() => setTick(tick + 1)} data-testid="map-refresh">Refresh</button>
        {data && <span class="muted" data-testid="map-summary">
          {data.result.nodes.length} workloads, {data.result.edges.length} edges from {data.result.flowsRead} flows
          {data.result.seconds < data.windowSeconds && ` (the server holds only the last ${Math.round(data.result.seconds)}s)`}
          {data.result.edgeLimitReached && '; edge limit reached, some traffic not drawn'}
        </span>}
        <span class="legend"><i class="dp-EBPF">EBPF</i><i class="dp-SIDECAR">SIDECAR</i><i class="dp-NONE">NONE</i><i class="unrep">no report</i></span>
      </div>
      {error && <div class="error" data-testid="map-error">{error}</div>}
      <div class="map-body">
        <div class="map" ref={box} data-testid="map" />
        {selected && (
          <aside class="side" data-testid="side">
            {selected.node.reported
              ? <Report id={selected.node.id} compact />
              : <p>{selected.node.id}: no capability report (a peer outside the mesh, or not yet probed).</p>}
          </aside>
        )}
      </div>
    </div>
  );
}
