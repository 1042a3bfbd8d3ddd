import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { MapPage } from './map.jsx';
import { ReportsPage } from './reports.jsx';
import { FlowsPage } from './flows.jsx';
import { getJSON } from './api.js';
import { parseRoute, tabOf } from './lib/route.js';
import './style.css';

function parseHash() {
  return parseRoute(location.hash);
}

function Status() {
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stop = false;
    const load = () => getJSON('/api/status').then((s) => { if (!stop) { setStatus(s); setError(null); } },
      (e) => { if (!stop) setError(e.message); });
    load();
    const t = setInterval(load, 5000);
    return () => { stop = true; clearInterval(t); };
  }, []);
  if (error) return <span class="status bad" data-testid="status">{error}</span>;
  if (!status) return <span class="status">connecting…</span>;
  return (
    <span class="status" data-testid="status">
      Observer API {status.server} · {status.numFlows}/{status.maxFlows} flows stored · {status.flowsRate.toFixed(1)} flows/s
    </span>
  );
}

function App() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const on = () => setRoute(parseHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const { path, params } = route;
  const tab = tabOf(path);
  return (
    <div class="shell">
      <header>
        <strong>Hybrid Mesh</strong>
        <nav>
          <a href="#/map" class={tab === 'map' ? 'on' : ''} data-testid="nav-map">Service map</a>
          <a href="#/reports" class={tab === 'reports' ? 'on' : ''} data-testid="nav-reports">Capability reports</a>
          <a href="#/flows" class={tab === 'flows' ? 'on' : ''} data-testid="nav-flows">Live flows</a>
        </nav>
        <Status />
      </header>
      <main>
        {tab === 'map' && <MapPage />}
        {tab === 'reports' && <ReportsPage id={path.startsWith('/reports/') ? decodeURIComponent(path.slice(9)) : null} />}
        {tab === 'flows' && <FlowsPage filter={params.get('filter') || ''} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app'));
