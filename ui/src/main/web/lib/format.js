// Numbers as the map shows them. Pure: no DOM.

/** 0.25/s, 3.2/s, 120/s */
export function rate(perSecond) {
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${perSecond.toFixed(2)}/s`;
}

/** 0%, 0.5%, 12% */
export function percent(fraction) {
  const p = fraction * 100;
  if (p === 0) return '0%';
  if (p < 1) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** 850us, 1.1ms, 2.35s: the words hmesh observe uses for latencies */
export function duration(ns) {
  if (ns < 1e6) return `${Math.floor(ns / 1e3)}us`;
  if (ns < 1e9) return `${trim((ns / 1e6).toFixed(1))}ms`;
  return `${trim((ns / 1e9).toFixed(2))}s`;
}

function trim(n) {
  return n.includes('.') ? n.replace(/0+$/, '').replace(/\.$/, '') : n;
}

/** 512 B, 1.5 KiB, 12 MiB */
export function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** The label of an edge: L7 figures where there are requests, else the connections. */
export function edgeLabel(edge) {
  if (edge.l7) {
    const l = edge.l7;
    const p99 = l.p99Ns > 0 ? ` · p99 ${duration(l.p99Ns)}` : '';
    return `${rate(l.requestRate)} · ${percent(l.errorRate)} err${p99}`;
  }
  if (edge.l4) return `${edge.l4.connections} conn · ${bytes(edge.l4.bytes)}`;
  return `${edge.flows} flows`;
}

/** The label of a node: its name, then its data path and L7 visibility as hmesh report words them. */
export function nodeLabel(node) {
  if (!node.reported) return `${node.name}\nno report`;
  return `${node.name}\n${node.dataPath} · L7 ${node.l7}`;
}
