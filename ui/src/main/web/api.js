// The gateway's JSON API. Every refusal comes back as {"error": "..."}; it is shown as it is.

export async function getJSON(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  let body;
  try {
    body = await res.json();
  } catch (e) {
    throw new Error(`${path}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

/**
 * Reads JSON lines from path, calling onItem for each, until the stream ends or signal aborts.
 * Throws the gateway's refusal (HTTP 400 and its message) before any line.
 */
export async function streamLines(path, onItem, signal, splitter) {
  const res = await fetch(path, { signal });
  if (!res.ok) {
    let msg = `HTTP ${res.status}`;
    try {
      msg = (await res.json()).error || msg;
    } catch (e) {
      // keep the status
    }
    throw new Error(msg);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const line of splitter.push(decoder.decode(value, { stream: true }))) {
      onItem(JSON.parse(line));
    }
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v !== undefined && v !== null && v !== '') q.append(k, v);
  }
  return q.toString();
}
