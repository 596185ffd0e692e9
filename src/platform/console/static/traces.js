// Recent traces, the search by trace id, order id or request id, and the selected trace's waterfall.
import { fillTable, getJson, h, num } from './api.js';

const PALETTE = ['#2f5bd3', '#d3782f', '#2fa36b', '#b03fc2', '#c2a33f', '#3fa9c2', '#c23f5e'];
const colours = new Map();
const colourOf = (service) => {
  if (!colours.has(service)) colours.set(service, PALETTE[colours.size % PALETTE.length]);
  return colours.get(service);
};

let query = '';
let selected;

export function initTraces() {
  document.querySelector('#trace-search').addEventListener('submit', (event) => {
    event.preventDefault();
    query = document.querySelector('#trace-query').value.trim();
    selected = undefined;
    void refreshTraces();
  });
}

/** The summaries matching the search: a 32-hex text is a trace id, anything else an order or request id. */
async function search() {
  if (query === '') return (await getJson('/api/v1/console/traces?limit=15')).items;
  const text = encodeURIComponent(query);
  if (/^[0-9a-f]{32}$/.test(query)) return (await getJson(`/api/v1/console/traces?traceId=${text}`)).items;
  const [byOrder, byRequest] = await Promise.all([
    getJson(`/api/v1/console/traces?orderId=${text}`),
    getJson(`/api/v1/console/traces?requestId=${text}`),
  ]);
  const seen = new Set(byOrder.items.map((trace) => trace.traceId));
  return [...byOrder.items, ...byRequest.items.filter((trace) => !seen.has(trace.traceId))];
}

export async function refreshTraces() {
  const items = await search();
  if (query !== '' && !selected && items.length > 0) selected = items[0].traceId;
  fillTable(
    'traces',
    items.map((trace) =>
      h(
        'tr',
        {
          class: trace.traceId === selected ? 'selected' : '',
          'data-trace-id': trace.traceId,
          onclick: () => {
            selected = trace.traceId;
            void refreshTraces();
          },
        },
        h('td', {}, new Date(trace.startMs).toLocaleTimeString()),
        h('td', {}, trace.root),
        h('td', {}, trace.services.join(', ')),
        h('td', { class: 'num' }, trace.spanCount),
        h('td', { class: 'num' }, num(trace.durationMs, 1)),
        h('td', { class: 'muted' }, trace.traceId),
      ),
    ),
    query === '' ? 'No traces recorded yet' : `No recent trace matches "${query}"`,
  );
  const waterfall = document.querySelector('#waterfall');
  if (!selected) return waterfall.replaceChildren(h('p', { class: 'muted' }, 'Pick a trace to see its waterfall.'));
  try {
    drawWaterfall(waterfall, await getJson(`/api/v1/console/traces/${selected}`));
  } catch (error) {
    waterfall.replaceChildren(h('p', { class: 'error' }, error.message));
  }
}

/** Spans in tree order (children after their parent, by start time), each with its depth. */
function treeOrder(spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map();
  const roots = [];
  for (const span of spans) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      if (!children.has(span.parentSpanId)) children.set(span.parentSpanId, []);
      children.get(span.parentSpanId).push(span);
    } else roots.push(span);
  }
  const ordered = [];
  const visit = (span, depth) => {
    ordered.push({ span, depth });
    for (const child of (children.get(span.spanId) ?? []).sort((a, b) => a.startMs - b.startMs))
      visit(child, depth + 1);
  };
  for (const root of roots.sort((a, b) => a.startMs - b.startMs)) visit(root, 0);
  return ordered;
}

function drawWaterfall(container, trace) {
  const total = Math.max(trace.durationMs, 0.001);
  const services = [...new Set(trace.spans.map((span) => span.service))];
  container.replaceChildren(
    h(
      'p',
      {},
      h('strong', {}, `Trace ${trace.traceId}`),
      ` · ${trace.spans.length} spans · ${num(trace.durationMs, 1)} ms · `,
      ...services.map((service) =>
        h(
          'span',
          { class: 'badge', style: { background: colourOf(service), color: '#fff', marginRight: '0.3rem' } },
          service,
        ),
      ),
    ),
    ...treeOrder(trace.spans).map(({ span, depth }) => {
      const left = ((span.startMs - trace.startMs) / total) * 100;
      const width = Math.max((span.durationMs / total) * 100, 0.2);
      const detail = Object.entries(span.attributes)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n');
      return h(
        'div',
        {
          class: 'span-row',
          'data-module': span.module,
          'data-service': span.service,
          title: `${span.name}\n${detail}`,
        },
        h(
          'div',
          { class: 'span-label', style: { paddingLeft: `${depth * 0.8}rem` } },
          h('span', { class: 'service', style: { color: colourOf(span.service) } }, span.module),
          span.name,
        ),
        h(
          'div',
          { class: 'span-track' },
          h('div', {
            class: `span-bar ${span.status === 'error' ? 'error' : ''}`,
            style: { left: `${left}%`, width: `${width}%`, background: colourOf(span.service) },
          }),
          h(
            'span',
            { class: 'span-time', style: { left: `${Math.min(left + width, 92)}%` } },
            `${num(span.durationMs, 1)} ms`,
          ),
        ),
      );
    }),
  );
}
