// Loaded before the page's script: when the page opens on the map, its request starts now, so that the
// gateway aggregates the flows while the browser parses and runs the page's script rather than after.
// The map page takes this answer once (for the first map it draws, if it asks for the same thing).
import { getJSON } from './api.js';
import { DEFAULT_WINDOW, mapPath, parseRoute, tabOf } from './lib/route.js';

if (tabOf(parseRoute(location.hash).path) === 'map') {
  const path = mapPath(DEFAULT_WINDOW, '', '');
  const asked = performance.now();
  const answer = getJSON(path);
  answer.catch(() => {}); // the map page reports a refusal when it takes the answer
  window.hmeshEarlyMap = { path, answer, asked };
}
