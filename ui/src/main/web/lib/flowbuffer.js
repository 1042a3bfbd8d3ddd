// What the live page holds: the newest rows (flows, lost events, notes) in a ring of fixed size, and counts of
// everything that arrived. A burst costs at most the ring; the page draws from it at its own pace.

export class FlowBuffer {
  constructor(capacity) {
    this.capacity = capacity;
    this.rows = new Array(capacity);
    this.start = 0;
    this.size = 0;
    this.received = 0;
    this.lost = 0;
    this.seq = 0;
    this.version = 0;
  }

  push(row) {
    row.seq = ++this.seq;
    const at = (this.start + this.size) % this.capacity;
    this.rows[at] = row;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
    this.version++;
  }

  /** One line of the stream, parsed: flows, a lost-events item, a node note; returns an error message if any. */
  take(item) {
    if (item.flows) {
      for (const f of item.flows) {
        this.received++;
        this.push({ kind: 'flow', ...f });
      }
    } else if (item.lost) {
      this.lost += item.lost.count;
      this.push({ kind: 'lost', text: item.lost.text, count: item.lost.count, source: item.lost.source });
    } else if (item.node) {
      this.push({ kind: 'note', text: item.node });
    } else if (item.error) {
      return item.error;
    }
    return null;
  }

  /** The newest n rows, newest first. */
  newest(n) {
    const out = [];
    for (let i = this.size - 1; i >= 0 && out.length < n; i--) {
      out.push(this.rows[(this.start + i) % this.capacity]);
    }
    return out;
  }

  clear() {
    this.rows = new Array(this.capacity);
    this.start = 0;
    this.size = 0;
    this.version++;
  }
}

/** Splits a byte stream's text into complete lines; keeps the unfinished tail for the next chunk. */
export class LineSplitter {
  constructor() {
    this.tail = '';
  }

  push(text) {
    const parts = (this.tail + text).split('\n');
    this.tail = parts.pop();
    return parts.filter((l) => l.length > 0);
  }
}
