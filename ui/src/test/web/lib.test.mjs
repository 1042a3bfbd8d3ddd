import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowBuffer, LineSplitter } from '../../main/web/lib/flowbuffer.js';
import { edgeFilter, nodeFilter } from '../../main/web/lib/filters.js';
import { bytes, duration, edgeLabel, nodeLabel, percent, rate } from '../../main/web/lib/format.js';

test('the buffer keeps the newest rows and counts everything that arrived', () => {
  const b = new FlowBuffer(3);
  b.take({ flows: [{ summary: 'a' }, { summary: 'b' }] });
  b.take({ lost: { text: 'EVENTS LOST: 7 (UI_GATEWAY: the browser read too slowly)', count: 7, source: 'UI_GATEWAY' } });
  b.take({ flows: [{ summary: 'c' }] });
  assert.equal(b.received, 3);
  assert.equal(b.lost, 7);
  assert.deepEqual(b.newest(10).map((r) => r.summary || r.kind), ['c', 'lost', 'b']);
  assert.equal(b.take({ error: 'the server refused the request: x' }), 'the server refused the request: x');
  assert.equal(b.take({ keepalive: true }), null);
});

test('lines split across chunks come out whole', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\n\n'), ['{"b":2}']);
});

test('an edge is the two directions of its flows, as hmesh observe flags', () => {
  const fe = { id: 'demo/frontend', namespace: 'demo', name: 'frontend', kind: 'NetworkNamespace' };
  const be = { id: 'demo/backend', namespace: 'demo', name: 'backend', kind: 'NetworkNamespace' };
  assert.equal(edgeFilter(fe, be),
    '--from-namespace demo --from-workload frontend --to-namespace demo --to-workload backend\n'
    + '--from-namespace demo --from-workload backend --to-namespace demo --to-workload frontend');
  const ip = { id: 'ip:10.0.0.9', namespace: '', name: '10.0.0.9', kind: '' };
  const pod = { id: 'shop/web 1', namespace: 'shop', name: 'web 1', kind: '' };
  assert.equal(nodeFilter(ip), '--from-ip 10.0.0.9\n--to-ip 10.0.0.9');
  assert.equal(edgeFilter(pod, ip).split('\n')[0], "--from-pod 'shop/web 1' --to-ip 10.0.0.9");
});

test('figures read as hmesh observe writes them', () => {
  assert.equal(duration(850_000), '850us');
  assert.equal(duration(1_100_000), '1.1ms');
  assert.equal(duration(2_000_000), '2ms');
  assert.equal(duration(2_350_000_000), '2.35s');
  assert.equal(rate(0.25), '0.25/s');
  assert.equal(rate(3.21), '3.2/s');
  assert.equal(percent(0.005), '0.5%');
  assert.equal(bytes(1536), '1.5 KiB');
  assert.equal(edgeLabel({ l7: { requestRate: 2, errorRate: 0.25, p99Ns: 12_000_000 } }), '2.0/s · 25% err · p99 12ms');
  assert.equal(edgeLabel({ l4: { connections: 3, bytes: 2048 } }), '3 conn · 2.0 KiB');
  assert.equal(nodeLabel({ name: 'payments', reported: true, dataPath: 'SIDECAR', l7: 'tls-metadata' }),
    'payments\nSIDECAR · L7 tls-metadata');
});

test('routes: no hash is the map; the tab of each path; the map API path keeps empty choices out', async () => {
  const { parseRoute, tabOf, mapPath } = await import('../../main/web/lib/route.js');
  assert.equal(parseRoute('').path, '/map');
  assert.equal(tabOf(parseRoute('#/map?round=3').path), 'map');
  assert.equal(tabOf(parseRoute('#/reports/ns/a').path), 'reports');
  const flows = parseRoute('#/flows?filter=--from-pod%20a');
  assert.equal(tabOf(flows.path), 'flows');
  assert.equal(flows.params.get('filter'), '--from-pod a');
  assert.equal(mapPath('5m', '', ''), '/api/map?window=5m');
  assert.equal(mapPath('1h', 'ns 1', 'EBPF'), '/api/map?window=1h&namespace=ns+1&dataPath=EBPF');
});
