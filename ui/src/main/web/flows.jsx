import { useEffect, useRef, useState } from 'preact/hooks';
import { query, streamLines } from './api.js';
import { FlowBuffer, LineSplitter } from './lib/flowbuffer.js';

/** Rows the page keeps (newest); the table draws the newest SHOWN of them. */
const KEPT = 2000;
const SHOWN = 250;
/** The table is redrawn at most this often: at thousands of flows a second the page skips frames, not flows. */
const REDRAW_MS = 150;

function Row({ row, open, onToggle }) {
  if (row.kind === 'lost') {
    return <tr class="lost" data-testid="lost-row"><td colspan="6">{row.text}</td></tr>;
  }
  if (row.kind === 'note') {
    return <tr class="note"><td colspan="6">{row.text}</td></tr>;
  }
  return [
    <tr key="r" class={`flow v-${row.verdict}`} onClick={onToggle} data-testid="flow-row">
      <td class="t">{row.time}</td>
      <td>{row.source}</td>
      <td>{row.destination}</td>
      <td>{row.type}</td>
      <td>{row.verdict}</td>
      <td class="summary">{row.summary}</td>
    </tr>,
    open && <tr key="j" class="json"><td colspan="6"><pre>{JSON.stringify(row.flow, null, 2)}</pre></td></tr>,
  ];
}

export function FlowsPage({ filter }) {
  const [text, setText] = useState(filter);
  const [applied, setApplied] = useState(filter);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState(null);
  const [streaming, setStreaming] = useState(false);
  const [open, setOpen] = useState(null);
  const [, setVersion] = useState(0);
  const buf = useRef(new FlowBuffer(KEPT));
  const shown = useRef({ rows: [], received: 0, lost: 0, at: 0 });
  const pausedRef = useRef(false);
  const input = useRef(null);
  // The text as the box holds it now (state may lag a keystroke behind).
  const apply = () => setApplied(input.current ? input.current.value : text);

  useEffect(() => { setText(filter); setApplied(filter); }, [filter]);

  // The stream: every line into the buffer; nothing here touches the DOM.
  useEffect(() => {
    const b = new FlowBuffer(KEPT);
    buf.current = b;
    shown.current = { rows: [], received: 0, lost: 0, at: 0 };
    setError(null);
    setOpen(null);
    const abort = new AbortController();
    setStreaming(true);
    streamLines(`/api/flows?${query({ filter: applied, follow: 'true', last: 200 })}`, (item) => {
      const err = b.take(item);
      if (err) setError(err);
    }, abort.signal, new LineSplitter())
      .catch((e) => { if (!abort.signal.aborted) setError(e.message); })
      .finally(() => { if (!abort.signal.aborted) setStreaming(false); });
    return () => abort.abort();
  }, [applied]);

  // The drawing: on animation frames, no more often than REDRAW_MS, only when something arrived and not paused.
  useEffect(() => {
    let frame;
    let last = 0;
    let drawn = -1;
    const draw = (now) => {
      frame = requestAnimationFrame(draw);
      const b = buf.current;
      window.hmeshFlows = { received: b.received, lost: b.lost, shown: shown.current.rows.length, paused: pausedRef.current,
        frames: (window.hmeshFlows?.frames || 0) + 1 };
      if (pausedRef.current) {
        // Paused: the rows stand still; the count of what arrived meanwhile moves once a second.
        if (now - last >= 1000) { last = now; setVersion((v) => v + 1); }
        return;
      }
      if (now - last < REDRAW_MS || b.version === drawn) return;
      last = now;
      drawn = b.version;
      shown.current = { rows: b.newest(SHOWN), received: b.received, lost: b.lost, at: now };
      setVersion(drawn);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, []);

  const togglePause = () => {
    pausedRef.current = !pausedRef.current;
    setPaused(pausedRef.current);
  };
  const s = shown.current;
  const b = buf.current;
  return (
    <div class="page flows-page">
      <form class="filter" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <textarea ref={input} value={text} rows={Math.max(1, Math.min(4, text.split('\n').length))} spellcheck={false}
          placeholder="hmesh observe filters, e.g. --namespace demo --http-status 5+ (one line per alternative)"
          onInput={(e) => setText(e.target.value)} data-testid="flow-filter"
          onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); apply(); } }} />
        <button type="submit" data-testid="flow-apply">Apply</button>
        <button type="button" onClick={togglePause} data-testid="flow-pause">{paused ? 'Resume' : 'Pause'}</button>
        <button type="button" onClick={() => { b.clear(); setVersion(-1); }}>Clear</button>
      </form>
      <div class="counters" data-testid="flow-counters">
        {streaming ? 'following' : 'stream ended'} · {s.received} flows received
        {paused && ` · paused: ${b.received - s.received} more arrived since (the newest ${KEPT} rows are kept)`}
        {b.lost > 0 && <span class="bad" data-testid="flow-lost"> · {b.lost} events lost</span>}
      </div>
      {error && <div class="error" data-testid="flow-error">{error}</div>}
      <table class="grid flows" data-testid="flows-table">
        <thead><tr><th>TIMESTAMP</th><th>SOURCE</th><th>DESTINATION</th><th>TYPE</th><th>VERDICT</th><th>SUMMARY</th></tr></thead>
        <tbody>
          {s.rows.map((r) => <Row key={r.seq} row={r} open={open === r.seq}
            onToggle={() => setOpen(open === r.seq ? null : r.seq)} />)}
        </tbody>
      </table>
    </div>
  );
}
