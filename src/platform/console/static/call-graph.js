// The modules as nodes on a line and the calls between them as arcs: thicker for more traffic,
// dashed when local (in-process), red when some failed. The table below it has the numbers.
const NODES = ['gateway', 'users', 'catalog', 'orders', 'payments', 'notifications'];
const SVG = 'http://www.w3.org/2000/svg';

const el = (tag, attributes, text) => {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
};

export function drawCallGraph(svg, edges) {
  const names = [...new Set([...NODES, ...edges.flatMap((edge) => [edge.caller, edge.callee])])].filter(
    (name) => name === 'gateway' || NODES.includes(name) || edges.some((edge) => edge.caller === name),
  );
  const x = (name) => 50 + (names.indexOf(name) * 660) / Math.max(names.length - 1, 1);
  const y = 130;
  const pairs = new Map();
  for (const edge of edges) {
    const key = `${edge.caller}>${edge.callee}>${edge.transport}`;
    const pair = pairs.get(key) ?? { ...edge, calls: 0, errors: 0, rate: 0 };
    pair.calls += edge.calls;
    pair.errors += edge.errors;
    pair.rate += edge.ratePerSecond ?? 0;
    pairs.set(key, pair);
  }
  const children = [];
  for (const pair of pairs.values()) {
    if (!names.includes(pair.caller) || !names.includes(pair.callee) || pair.caller === pair.callee) continue;
    const [from, to] = [x(pair.caller), x(pair.callee)];
    // The arc's top is `lift` above the nodes: higher for farther nodes, never out of the picture.
    const lift = Math.min(20 + Math.abs(to - from) * 0.18, 100);
    const path = el('path', {
      d: `M ${from} ${y - 12} Q ${(from + to) / 2} ${y - 12 - lift * 2} ${to} ${y - 12}`,
      fill: 'none',
      stroke: pair.errors > 0 ? '#c62828' : pair.transport === 'remote' ? '#7b2fd3' : '#2f5bd3',
      'stroke-width': Math.min(1.5 + Math.log10(1 + pair.calls), 6),
      'stroke-dasharray': pair.transport === 'local' ? '5 4' : 'none',
      'data-edge': `${pair.caller}>${pair.callee}`,
    });
    path.append(
      el(
        'title',
        {},
        `${pair.caller} → ${pair.callee} (${pair.transport}): ${pair.calls} calls, ${pair.errors} failed, ${pair.rate.toFixed(2)}/s`,
      ),
    );
    children.push(path, el('circle', { cx: to, cy: y - 12, r: 3.5, fill: '#1d2330' }));
  }
  for (const name of names) {
    children.push(
      el('rect', { x: x(name) - 44, y: y - 10, width: 88, height: 24, rx: 6, fill: '#1d2330' }),
      el('text', { x: x(name), y: y + 6, fill: '#fff', 'text-anchor': 'middle' }, name),
    );
  }
  svg.replaceChildren(...children);
}
