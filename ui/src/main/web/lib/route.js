// The page's address: #/map, #/reports, #/reports/NS/NAME, #/flows?filter=... Pure: no DOM.

/** The route of a location hash: its path and query parameters; no hash is the map. */
export function parseRoute(hash) {
  const h = hash.replace(/^#/, '') || '/map';
  const [path, q] = h.split('?');
  return { path, params: new URLSearchParams(q || '') };
}

/** The tab a path shows. */
export function tabOf(path) {
  return path.startsWith('/reports') ? 'reports' : path.startsWith('/flows') ? 'flows' : 'map';
}

/** The map's API path for a window, namespace and data path (empty: all). */
export function mapPath(win, namespace, dataPath) {
  const q = new URLSearchParams({ window: win });
  if (namespace) q.append('namespace', namespace);
  if (dataPath) q.append('dataPath', dataPath);
  return `/api/map?${q}`;
}

/** The map's window until one is chosen. */
export const DEFAULT_WINDOW = '5m';
