// The console page: sign in, then read the console API every few seconds and draw each panel.
import { fillTable, getJson, h, num, SignedOut, signIn, signOut, signedIn } from './api.js';
import { drawCallGraph } from './call-graph.js';
import { initTraces, refreshTraces } from './traces.js';

const POLL_MS = 3000;
let timer;

const $ = (selector) => document.querySelector(selector);

function show(dashboard) {
  $('#login').hidden = dashboard;
  $('#dashboard').hidden = !dashboard;
  $('#logout').hidden = !dashboard;
}

async function refresh() {
  clearTimeout(timer);
  try {
    const [overview, calls, resilience] = await Promise.all([
      getJson('/api/v1/console/overview'),
      getJson('/api/v1/console/calls'),
      getJson('/api/v1/console/resilience'),
    ]);
    drawModules(overview);
    drawCalls(calls.edges);
    drawResilience(resilience);
    await refreshTraces();
    $('#updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error instanceof SignedOut) return leave('Your session ended; sign in again.');
    $('#updated').textContent = `update failed: ${error.message}`;
  }
  timer = setTimeout(refresh, POLL_MS);
}

function drawModules(overview) {
  const { process } = overview;
  $('#process').textContent = `${process.service} at ${process.url}`;
  $('#modules').replaceChildren(
    ...overview.modules.map((module) =>
      h(
        'div',
        { class: 'module', 'data-module': module.name, 'data-location': module.location },
        h(
          'h3',
          {},
          module.name,
          h('span', { class: `badge ${module.location}` }, module.location === 'local' ? 'this process' : 'remote'),
        ),
        module.instances.length === 0 ? h('div', { class: 'instance muted' }, 'no instance known') : null,
        ...module.instances.map((instance) =>
          h(
            'div',
            { class: 'instance', title: instance.error ?? 'ready', 'data-healthy': String(instance.healthy) },
            h('span', { class: `dot ${instance.healthy ? '' : 'bad'}` }),
            instance.url,
            contractBadge(module.name, instance.contracts),
            instance.healthy ? null : h('span', { class: 'error' }, instance.error ?? 'unhealthy'),
          ),
        ),
      ),
    ),
  );
}

/** The contract version an instance serves, with those it was built to call on hover (API.md "Evolving modules"). */
function contractBadge(name, contracts) {
  if (!contracts) return null;
  const calls = Object.entries(contracts.calls).map(([callee, version]) => `${callee} ${version}`);
  const served = contracts.serves[name];
  return h(
    'span',
    { class: 'contract', title: calls.length ? `built to call ${calls.join(', ')}` : 'calls no other module' },
    served ? `contract ${served}` : 'no contract',
  );
}

function drawCalls(edges) {
  edges.sort(
    (a, b) =>
      a.caller.localeCompare(b.caller) || a.callee.localeCompare(b.callee) || a.operation.localeCompare(b.operation),
  );
  drawCallGraph($('#call-graph'), edges);
  fillTable(
    'calls',
    edges.map((edge) =>
      h(
        'tr',
        {},
        h('td', {}, edge.caller),
        h('td', {}, `${edge.callee} · ${edge.operation}`),
        h('td', { class: `transport-${edge.transport}` }, edge.transport),
        h('td', { class: 'num' }, num(edge.ratePerSecond, 2)),
        h('td', { class: 'num' }, num(edge.p50Ms, 1)),
        h('td', { class: 'num' }, num(edge.p99Ms, 1)),
        h('td', { class: 'num' }, edge.calls),
        h('td', { class: `num ${edge.errors > 0 ? 'error' : ''}` }, edge.errors),
      ),
    ),
    'No calls between modules yet',
  );
}

function drawResilience(data) {
  fillTable(
    'breakers',
    data.breakers.map((row) => {
      const [target, url] = row.dependency.split(' ');
      return h(
        'tr',
        {},
        h('td', {}, row.service),
        h('td', {}, target),
        h('td', {}, url ?? ''),
        h('td', { class: `state-${row.state}` }, row.state),
      );
    }),
    'No remote calls from here, so no breakers',
  );
  fillTable(
    'outbox',
    data.outbox.map((row) =>
      h(
        'tr',
        {},
        h('td', {}, row.module),
        h('td', { class: 'num' }, row.backlog),
        h('td', { class: 'num' }, `${num(row.oldestAgeSeconds, 1)} s`),
      ),
    ),
    'No outbox relay has reported yet',
  );
  const bus = [...new Set(data.processes.map((p) => p.bus).filter(Boolean))].join(', ');
  fillTable(
    'queues',
    data.queues.map((row) =>
      h(
        'tr',
        { title: row.error ?? '' },
        h('td', {}, row.module),
        ...[row.waiting, row.active, row.delayed, row.failed].map((value) =>
          h('td', { class: 'num' }, row.error ? '?' : value),
        ),
      ),
    ),
    bus.includes('bullmq') ? 'No queue' : 'In-process event bus: no queues',
  );
  fillTable(
    'dead-letters',
    data.deadLetters.map((row) =>
      h('tr', {}, h('td', {}, row.module), h('td', {}, row.event), h('td', { class: 'num error' }, row.count)),
    ),
    'No dead letters',
  );
}

function leave(message) {
  clearTimeout(timer);
  signOut();
  show(false);
  $('#login-error').textContent = message ?? '';
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $('#login-error').textContent = '';
  try {
    await signIn(form.get('email'), form.get('password'));
    show(true);
    void refresh();
  } catch (error) {
    $('#login-error').textContent = error.message;
  }
});
$('#logout').addEventListener('click', () => leave());
initTraces();
if (signedIn()) {
  show(true);
  void refresh();
}
