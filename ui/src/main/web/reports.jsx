import { useEffect, useState } from 'preact/hooks';
import { getJSON, query } from './api.js';
import { nodeFilter } from './lib/filters.js';

/** The headline cells of a report under hmesh report's column names. */
export function ReportCells({ columns, cells }) {
  return (
    <dl class="cells">
      {columns.map((c, i) => (
        <div key={c} class={`cell cell-${c.toLowerCase()}`}>
          <dt>{c}</dt>
          <dd class={c === 'DATAPATH' ? `dp dp-${cells[i]}` : ''}>{cells[i]}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One workload's report: the words of `hmesh report NS/NAME`, made by the same Java code. */
export function Report({ id, compact }) {
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setReport(null);
    setError(null);
    getJSON(`/api/report?${query({ id })}`).then(setReport, (e) => setError(e.message));
  }, [id]);
  if (error) return <div class="error" data-testid="report-error">{error}</div>;
  if (!report) return <div class="muted">loading the report of {id}…</div>;
  const [ns, ...rest] = id.split('/');
  const node = { id, namespace: rest.length ? ns : '', name: rest.length ? rest.join('/') : ns, kind: report.cells[2] };
  return (
    <div class="report" data-testid="report">
      <ReportCells columns={report.columns} cells={report.cells} />
      <pre class="report-text" data-testid="report-text">{report.text}</pre>
      <p class="links">
        {compact && <a href={`#/reports/${encodeURIComponent(id)}`}>the whole report page</a>}
        <a href={`#/flows?${query({ filter: nodeFilter(node) })}`}>flows of {id}</a>
      </p>
      {!compact && (
        <details>
          <summary>JSON (as hmesh report -o json)</summary>
          <pre>{JSON.stringify(report.json, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}

export function ReportsPage({ id }) {
  const [table, setTable] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    getJSON('/api/workloads').then(setTable, (e) => setError(e.message));
  }, []);
  return (
    <div class="page reports">
      {error && <div class="error">{error}</div>}
      {table && (
        <table class="grid" data-testid="reports-table">
          <thead>
            <tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.id} class={r.id === id ? 'sel' : ''} data-id={r.id}
                onClick={() => { location.hash = `#/reports/${encodeURIComponent(r.id)}`; }}>
                {r.cells.map((c, i) => (
                  <td key={i} class={table.columns[i] === 'DATAPATH' ? `dp dp-${c}` : ''}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {table && table.rows.length === 0 && <p class="muted">The server reports no workloads.</p>}
      {id ? <Report id={id} /> : <p class="muted">Choose a workload for its whole report.</p>}
    </div>
  );
}
