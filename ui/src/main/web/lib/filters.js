// hmesh observe filter lines for what the map shows. The text goes to the server, which parses it with
// the CLI's own parser: nothing here interprets filters, it only writes them.

function quote(word) {
  return /^[A-Za-z0-9_./:=,+@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The flags that name one end of a flow: a workload (with its namespace), a pod, or an address. */
function side(node, dir) {
  if (node.id.startsWith('ip:')) return [`--${dir}-ip`, quote(node.name)];
  const ns = node.namespace ? [`--${dir}-namespace`, quote(node.namespace)] : [];
  if (node.kind) return [...ns, `--${dir}-workload`, quote(node.name)];
  return [`--${dir}-pod`, quote(node.namespace ? `${node.namespace}/${node.name}` : node.name)];
}

/**
 * The flows of an edge: requests and connections go source to target, responses come back, so two lines
 * (alternatives) cover both directions.
 */
export function edgeFilter(source, target) {
  return [
    [...side(source, 'from'), ...side(target, 'to')].join(' '),
    [...side(target, 'from'), ...side(source, 'to')].join(' '),
  ].join('\n');
}

/** The flows with this node at either end. */
export function nodeFilter(node) {
  return [side(node, 'from').join(' '), side(node, 'to').join(' ')].join('\n');
}
