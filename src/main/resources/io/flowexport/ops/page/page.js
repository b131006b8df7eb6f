// The flow-export status page: draws GET /status and GET /flows/{id}/runs, refreshes by itself, runs a flow on
// request. Every text from the API goes into the page as a text node or an attribute value, never as markup.
'use strict';

(function () {
  const POLL_MS = 5000;        // idle refresh
  const BUSY_MS = 1000;        // while a flow runs or a run was asked for
  const RUNS_MAX_AGE_MS = 30000; // recent runs are fetched again at least this often
  const CHART_RUNS = 20;
  const TOKEN_KEY = 'flowexport.http.token';
  const SVG = 'http://www.w3.org/2000/svg';

  const runsCache = new Map();   // flow id -> {key, at, runs, error}
  const requested = new Map();   // flow id -> {baseline, at, error}
  const fresh = new Map();       // flow id -> {runId, until}: the run "run now" asked for, highlighted a moment
  let timer = null;
  let busy = false;
  let downSince = null;
  let lastStatus = null;
  let memoryToken = null;      // when sessionStorage is not available

  // ---- HTTP ------------------------------------------------------------------------------------------------

  class AuthNeeded extends Error {
    constructor(refused) {
      super(refused ? 'the token was refused' : 'a token is needed');
      this.refused = refused;
    }
  }

  class Unreachable extends Error {}

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || memoryToken;
    } catch (e) {
      return memoryToken;
    }
  }

  function keepToken(value) {
    memoryToken = value;
    try {
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) { /* no storage (private mode): kept in memory until the page is left */ }
  }

  async function api(path, method) {
    const headers = { 'Accept': 'application/json' };
    const t = token();
    if (t) {
      headers['Authorization'] = 'Bearer ' + t;
    }
    let res;
    try {
      res = await fetch(path, { method: method || 'GET', headers: headers, cache: 'no-store' });
    } catch (e) {
      throw new Unreachable('the runner does not answer (' + e.message + ')');
    }
    if (res.status === 401) {
      throw new AuthNeeded(Boolean(t));
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      if (res.ok) {
        throw new Unreachable('the runner answered ' + res.status + ' without JSON');
      }
    }
    if (!res.ok && res.status !== 404) {
      const why = body && body.error ? body.error : 'HTTP ' + res.status;
      const err = new Error(why);
      err.status = res.status;
      throw err;
    }
    return { status: res.status, body: body };
  }

  // ---- DOM helpers -----------------------------------------------------------------------------------------

  // el('span', {class: 'x', 'data-field': 'y'}, 'text', child, ...): strings become text nodes
  function el(tag, attrs) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (let i = 2; i < arguments.length; i++) {
      append(node, arguments[i]);
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    for (let i = 2; i < arguments.length; i++) {
      append(node, arguments[i]);
    }
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) {
      return;
    }
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v !== null && v !== undefined && v !== false) {
        node.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }

  // replaces the children of node with the rest of the arguments (as el() takes them)
  function fill(node) {
    node.replaceChildren();
    for (let i = 1; i < arguments.length; i++) {
      append(node, arguments[i]);
    }
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) {
      return;
    }
    if (Array.isArray(child)) {
      child.forEach(c => append(node, c));
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }

  // ---- formatting ------------------------------------------------------------------------------------------

  function num(n) {
    return n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US');
  }

  function bytes(n) {
    if (n === null || n === undefined) {
      return '-';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = Number(n);
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[u];
  }

  function seconds(s) {
    if (s === null || s === undefined) {
      return '-';
    }
    if (s < 10) {
      return s.toFixed(2) + ' s';
    }
    if (s < 120) {
      return s.toFixed(1) + ' s';
    }
    return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  // local wall-clock time; the element's title gives the UTC instant the API sent
  function time(iso) {
    if (!iso) {
      return el('span', { class: 'muted' }, '-');
    }
    const d = new Date(iso);
    const today = new Date();
    const sameDay = d.toDateString() === today.toDateString();
    const text = (sameDay ? '' : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ')
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    return el('time', { datetime: iso, title: iso + ' (UTC)' }, text);
  }

  function relative(iso) {
    const ms = new Date(iso).getTime() - Date.now();
    const a = Math.abs(ms) / 1000;
    const text = a < 60 ? Math.round(a) + ' s' : a < 7200 ? Math.round(a / 60) + ' min'
      : a < 172800 ? Math.round(a / 3600) + ' h' : Math.round(a / 86400) + ' d';
    return ms >= 0 ? 'in ' + text : text + ' ago';
  }

  function statusClass(status) {
    return 'status status-' + String(status || 'none').replace(/[^a-z]+/g, '-');
  }

  // ---- rendering -------------------------------------------------------------------------------------------

  function render(status) {
    fill(document.getElementById('runner'),
      'runner ', el('span', { 'data-field': 'runner-id' }, status.runner_id || '-'),
      ' \u00b7 started ', time(status.started_at), clusterNote(status.cluster));
    renderProblems(status);
    const flows = document.getElementById('flows');
    const cards = (status.flows || []).map(flowCard);
    fill(flows, cards.length ? cards : el('p', { class: 'empty' }, 'No flow files.'));
    fill(document.getElementById('others'), otherFiles(status));
  }

  function clusterNote(cluster) {
    if (!cluster) {
      return null;
    }
    if (cluster.error) {
      return el('span', { class: 'warn' }, ' \u00b7 ' + cluster.error);
    }
    const runners = cluster.runners || [];
    const live = runners.filter(r => r.live).length;
    return ' \u00b7 ' + live + ' of ' + runners.length + ' runner' + (runners.length === 1 ? '' : 's') + ' live';
  }

  function renderProblems(status) {
    const items = [];
    const add = (file, result, problems) => (problems || []).forEach(p => items.push(
      el('li', { 'data-field': 'problem' }, el('code', null, p),
        result ? el('span', { class: 'muted' }, ' (' + result + ')') : null)));
    (status.flows || []).forEach(f => add(f.file, f.reload && f.reload.result, f.reload && f.reload.problems));
    (status.routes || []).forEach(r => add(r.file, r.result, r.problems));
    (status.destinations || []).forEach(d => add(d.file, d.valid ? null : 'not valid', d.problems));
    const box = document.getElementById('problems');
    box.hidden = items.length === 0;
    fill(box, el('h2', null, 'Reload problems'), el('ul', null, items));
  }

  function flowCard(f) {
    const id = f.flow_id || f.file;
    const card = el('section', { class: 'flow', 'data-flow-id': id });
    const req = f.flow_id ? requested.get(f.flow_id) : null;
    const canRun = Boolean(f.flow_id) && f.state !== 'not loaded';
    const button = el('button', { class: 'run-now', type: 'button', 'data-flow-id': f.flow_id,
      disabled: !canRun || f.state === 'running' || Boolean(req && !req.error) }, 'Run now');
    button.addEventListener('click', () => runNow(f.flow_id));
    card.appendChild(el('header', null,
      el('h2', null, id),
      el('span', { class: 'state state-' + f.state.replace(/ /g, '-'), 'data-field': 'state' }, f.state),
      f.state === 'not loaded' && f.reload ? el('span', { class: 'warn' }, f.reload.result) : null,
      f.running_on && f.running_on !== (lastStatus && lastStatus.runner_id)
        ? el('span', { class: 'muted' }, 'on ' + f.running_on) : null,
      el('span', { class: 'file muted', title: 'version ' + (f.version || '-') }, f.file),
      el('span', { class: 'spacer' }),
      req && req.error ? el('span', { class: 'warn' }, req.error) : null,
      button));
    const grid = el('div', { class: 'grid' });
    grid.appendChild(el('div', { class: 'col' }, el('h3', null, 'Triggers'), triggers(f), current(f, req)));
    grid.appendChild(el('div', { class: 'col' }, el('h3', null, 'Last run'), lastRun(f)));
    grid.appendChild(el('div', { class: 'col' }, el('h3', null, 'Recent runs'), chart(f.flow_id)));
    card.appendChild(grid);
    if (f.pending) {
      card.appendChild(pending(f.pending));
    }
    if (f.reload && f.reload.problems && f.reload.problems.length) {
      card.appendChild(el('p', { class: 'warn' }, f.reload.result + ': ' + f.reload.problems.length
        + ' problem' + (f.reload.problems.length === 1 ? '' : 's') + ' (listed above)'));
    }
    return card;
  }

  function triggers(f) {
    const list = f.triggers || [];
    if (list.length === 0) {
      return el('p', { class: 'muted', 'data-field': 'triggers' },
        f.state === 'not loaded' ? 'not loaded' : 'none (runs on request)');
    }
    return el('ul', { class: 'triggers', 'data-field': 'triggers' }, list.map(t => el('li', {
      class: 'trigger' + (t.enabled ? '' : ' disabled'), 'data-trigger-id': t.id },
      el('b', null, t.id), ' ',
      t.type === 'schedule' ? el('code', null, t.schedule + ' ' + t.timezone) : el('span', null, 'every ' + t.every),
      el('br'),
      t.enabled
        ? (t.next_fire
          ? el('span', { 'data-field': 'next-fire', 'data-value': t.next_fire }, 'next ', time(t.next_fire),
            el('span', { class: 'muted' }, ' (' + relative(t.next_fire) + ')'))
          : el('span', { class: 'muted', 'data-field': 'next-fire' }, 'no next firing'))
        : el('span', { class: 'muted', 'data-field': 'next-fire' }, 'disabled'))));
  }

  // the run in progress, or the run asked for that has not begun
  function current(f, req) {
    if (f.run) {
      return el('p', { class: 'running', 'data-field': 'current-run', 'data-value': f.run.run_id },
        'running ', el('code', null, f.run.run_id), ' (' + f.run.trigger + ', ' + f.run.stage + ') since ',
        time(f.run.started_at));
    }
    if (req && !req.error) {
      return el('p', { class: 'running', 'data-field': 'current-run' }, 'run asked for at ',
        time(new Date(req.at).toISOString()), '\u2026');
    }
    return null;
  }

  function lastRun(f) {
    let r = f.last_run;
    let fromHistory = false;
    if (!r && f.flow_id) {
      const cached = runsCache.get(f.flow_id);
      r = cached && cached.runs ? cached.runs.find(x => x.status !== 'skipped' && x.status !== 'reset') : null;
      fromHistory = Boolean(r);
    }
    if (!r) {
      return el('p', { class: 'muted', 'data-field': 'last-run-none' }, 'none since the runner started');
    }
    const fr = fresh.get(f.flow_id);
    const isFresh = Boolean(fr) && fr.runId === r.run_id && Date.now() < fr.until;
    const rows = [
      ['status', el('span', { class: statusClass(r.status), 'data-field': 'last-run-status', 'data-value': r.status },
        r.status)],
      ['run', el('code', { 'data-field': 'last-run-id', 'data-value': r.run_id }, r.run_id)],
      ['started', [time(r.started_at), ' (' + r.trigger + ')']],
      ['duration', el('span', { 'data-field': 'last-run-seconds' }, seconds(r.seconds))],
      ['rows', el('span', { 'data-field': 'last-run-rows', 'data-value': r.rows }, num(r.rows))],
      ['bytes', el('span', { 'data-field': 'last-run-bytes', 'data-value': r.bytes }, bytes(r.bytes))],
      ['batches', el('span', { 'data-field': 'last-run-batches' }, r.batch_range || '-')]
    ];
    if (r.files && r.files.length) {
      rows.push(['files', el('ul', { class: 'plain' }, r.files.map(x => el('li', null, el('code', null, x))))]);
    }
    if (r.destinations && r.destinations.length) {
      rows.push(['destinations', el('ul', { class: 'plain' }, r.destinations.map(d => el('li', {
        class: d.ok ? 'ok' : 'failed', 'data-field': 'destination' },
      el('span', { class: d.ok ? 'mark ok' : 'mark failed' }, d.ok ? '\u2713' : '\u2717'), ' ',
      el('b', null, d.name), ' ', el('span', { class: 'muted' }, d.type), ' ', el('code', null, d.target),
      d.detail ? el('div', { class: 'detail' }, d.detail) : null)))]);
    }
    if (r.error) {
      rows.push(['error', el('span', { class: 'error-text', 'data-field': 'last-run-error' }, r.error)]);
    } else if (r.message) {
      rows.push(['note', el('span', null, r.message)]);
    }
    const dl = el('dl', { class: 'kv' + (isFresh ? ' fresh' : '') });
    rows.forEach(([k, v]) => {
      dl.appendChild(el('dt', null, k));
      dl.appendChild(el('dd', null, v));
    });
    return fromHistory ? [el('p', { class: 'muted' }, 'from the run history'), dl] : dl;
  }

  function pending(p) {
    if (p.error) {
      return el('p', { class: 'pending warn', 'data-field': 'pending' }, 'pending deliveries: ' + p.error);
    }
    return el('div', { class: 'pending', 'data-field': 'pending' },
      el('b', null, 'Delivery owed'), ' by run ', el('code', null, p.run_id), ' (batches ' + p.batch_range + ', '
        + num(p.rows) + ' rows, since ', time(p.created_at), ') to ',
      el('b', null, (p.destinations || []).join(', ')), ': the next run sends ', el('code', null, p.file),
      ' there first.', p.last_error ? el('div', { class: 'detail' }, 'last attempt: ' + p.last_error) : null);
  }

  // the last runs as bars (duration) and dots (rows), oldest on the left; failed runs red with a cross
  function chart(flowId) {
    const cached = flowId ? runsCache.get(flowId) : null;
    if (!cached) {
      return el('p', { class: 'muted' }, flowId ? 'loading\u2026' : '-');
    }
    if (cached.error && !cached.runs) {
      return el('p', { class: 'warn' }, cached.error);
    }
    const runs = cached.runs.filter(r => r.status !== 'reset').slice(0, CHART_RUNS).reverse();
    if (runs.length === 0) {
      return el('p', { class: 'muted', 'data-field': 'chart' }, 'no runs in the history yet');
    }
    const W = 280, H = 72, TOP = 12, slot = W / CHART_RUNS, bar = slot - 4;
    const maxS = Math.max(0.001, ...runs.map(r => r.seconds || 0));
    const mostRows = Math.max(0, ...runs.map(r => r.rows || 0));
    const maxRows = Math.max(1, mostRows);
    const g = svg('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H,
      role: 'img', 'aria-label': 'last ' + runs.length + ' runs of ' + flowId, 'data-field': 'chart' });
    g.appendChild(svg('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: 'axis' }));
    const points = [];
    const first = CHART_RUNS - runs.length; // the newest run at the right edge
    runs.forEach((r, i) => {
      const x = (first + i) * slot + 2;
      const failed = r.status === 'failed';
      const h = Math.max(2, (r.seconds || 0) / maxS * (H - TOP));
      const cls = 'bar ' + String(r.status).replace(/[^a-z]+/g, '-');
      const title = svg('title', null, r.run_id + '\n' + r.status + ' \u00b7 ' + seconds(r.seconds) + ' \u00b7 '
        + num(r.rows) + ' rows \u00b7 batches ' + r.batch_range + '\n' + r.started_at
        + (r.error ? '\n' + r.error : ''));
      const group = svg('g', { class: 'run', 'data-run-id': r.run_id, 'data-status': r.status },
        title, svg('rect', { x: x, y: H - h, width: bar, height: h, class: cls }));
      if (failed) {
        group.appendChild(svg('path', { class: 'cross', d: 'M' + (x + 1) + ' 2 l' + (bar - 2) + ' ' + (bar - 2)
          + ' M' + (x + bar - 1) + ' 2 l' + (2 - bar) + ' ' + (bar - 2) }));
      } else {
        points.push([x + bar / 2, H - 2 - (r.rows || 0) / maxRows * (H - TOP - 2)]);
      }
      g.appendChild(group);
    });
    if (points.length > 1) {
      g.appendChild(svg('polyline', { class: 'rows-line', points: points.map(p => p.join(',')).join(' ') }));
    }
    points.forEach(p => g.appendChild(svg('circle', { class: 'rows-dot', cx: p[0], cy: p[1], r: 2.5 })));
    const failures = runs.filter(r => r.status === 'failed').length;
    return [g, el('p', { class: 'legend' },
      el('span', { class: 'key bar-key' }), ' duration (max ' + seconds(maxS) + ') ',
      el('span', { class: 'key dot-key' }), ' rows (max ' + num(mostRows) + ') ',
      el('span', { class: 'key fail-key' }), ' failed' + (failures ? ' (' + failures + ')' : ''))];
  }

  function otherFiles(status) {
    const routes = status.routes || [];
    const dests = status.destinations || [];
    if (routes.length === 0 && dests.length === 0) {
      return [];
    }
    const table = el('table', null, el('thead', null, el('tr', null, el('th', null, 'file'), el('th', null, 'kind'),
      el('th', null, 'holds'), el('th', null, 'result'))));
    const body = el('tbody');
    routes.forEach(r => body.appendChild(el('tr', null, el('td', null, el('code', null, r.file)),
      el('td', null, 'operator routes'), el('td', null, (r.route_ids || []).join(', ')),
      el('td', { class: r.problems && r.problems.length ? 'warn' : '' }, r.result))));
    dests.forEach(d => body.appendChild(el('tr', null, el('td', null, el('code', null, d.file)),
      el('td', null, 'destination'), el('td', null, d.name || '-'),
      el('td', { class: d.valid ? '' : 'warn' }, d.valid ? 'valid' : 'not valid'))));
    table.appendChild(body);
    return [el('h2', null, 'Operator routes and destinations'), table];
  }

  // ---- refresh loop ----------------------------------------------------------------------------------------

  async function loadRuns(flowId, key) {
    const cached = runsCache.get(flowId);
    if (cached && cached.key === key && Date.now() - cached.at < RUNS_MAX_AGE_MS && !requested.has(flowId)) {
      return;
    }
    try {
      const res = await api('flows/' + encodeURIComponent(flowId) + '/runs?last=' + CHART_RUNS);
      runsCache.set(flowId, { key: key, at: Date.now(), runs: res.status === 404 ? [] : res.body.runs });
    } catch (e) {
      if (e instanceof AuthNeeded || e instanceof Unreachable) {
        throw e;
      }
      runsCache.set(flowId, { key: key, at: Date.now(), runs: cached ? cached.runs : null,
        error: 'run history: ' + e.message });
    }
  }

  // a run asked for has ended when the flow's last run, or the newest run in its history, is another one than
  // when "run now" was clicked (the history also shows a run that was skipped, e.g. running on another runner)
  function settleRequests(status) {
    const now = Date.now();
    for (const f of status.flows || []) {
      const req = requested.get(f.flow_id);
      if (!req) {
        continue;
      }
      if (req.error) {
        if (now - req.at > 15000) {
          requested.delete(f.flow_id);
        }
        continue;
      }
      const lastId = f.last_run ? f.last_run.run_id : null;
      const cached = runsCache.get(f.flow_id);
      const newest = cached && cached.runs && cached.runs.length ? cached.runs[0] : null;
      if (f.run) {
        continue;
      }
      if (lastId && lastId !== req.baseline) {
        requested.delete(f.flow_id);
        fresh.set(f.flow_id, { runId: lastId, until: now + 3000 });
      } else if (req.history !== undefined && newest && newest.run_id !== req.history && newest.status !== 'reset') {
        if (newest.status === 'skipped') {
          requested.set(f.flow_id, { at: now, error: 'skipped: ' + (newest.message || 'see the run history') });
        } else {
          requested.delete(f.flow_id);
          fresh.set(f.flow_id, { runId: newest.run_id, until: now + 3000 });
        }
      } else if (now - req.at > 300000) {
        requested.delete(f.flow_id);
      }
    }
  }

  async function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    let delay = POLL_MS;
    try {
      const status = (await api('status')).body;
      await Promise.all((status.flows || []).filter(f => f.flow_id).map(f => loadRuns(f.flow_id,
        (f.last_run ? f.last_run.run_id : '') + '|' + f.state + '|' + (f.run ? f.run.run_id : ''))));
      settleRequests(status);
      lastStatus = status;
      render(status);
      downSince = null;
      showBanner(null);
      hideTokenForm();
      const now = new Date();
      fill(document.getElementById('refreshed'), 'refreshed ',
        el('span', { 'data-field': 'refreshed-at', 'data-value': now.toISOString() },
          pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds())),
        ' \u00b7 every ' + POLL_MS / 1000 + ' s');
      if ((status.flows || []).some(f => f.state === 'running') || requested.size > 0) {
        delay = BUSY_MS;
      }
    } catch (e) {
      if (e instanceof AuthNeeded) {
        showTokenForm(e.refused);
        delay = null; // asked again once a token is given
      } else {
        downSince = downSince || new Date();
        showBanner((e instanceof Unreachable ? 'The runner does not answer' : 'The runner answered with an error')
          + ' since ' + pad(downSince.getHours()) + ':' + pad(downSince.getMinutes()) + ':'
          + pad(downSince.getSeconds()) + ': ' + e.message + '. Retrying every ' + POLL_MS / 1000
          + ' s; what is shown is from the last answer.');
        document.body.classList.add('stale');
      }
    } finally {
      busy = false;
    }
    schedule(delay);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = delay === null ? null : setTimeout(refresh, delay);
  }

  function refreshNow() {
    clearTimeout(timer);
    refresh();
  }

  function showBanner(text) {
    const b = document.getElementById('banner');
    b.hidden = !text;
    fill(b, text || '');
    if (!text) {
      document.body.classList.remove('stale');
    }
  }

  function showTokenForm(refused) {
    const form = document.getElementById('token-form');
    const msg = document.getElementById('token-message');
    if (refused) {
      keepToken(null);
      fill(msg, 'The token was refused. Give the runner\u2019s API token (',
        el('code', null, 'flowexport.http.token'), ').');
      msg.className = 'warn';
    } else {
      fill(msg, 'This runner asks for its API token (', el('code', null, 'flowexport.http.token'), ').');
      msg.className = '';
    }
    fill(document.getElementById('refreshed'), 'waiting for the API token');
    const wasHidden = form.hidden;
    form.hidden = false;
    if (wasHidden) {
      document.getElementById('token-input').focus();
    }
  }

  function hideTokenForm() {
    document.getElementById('token-form').hidden = true;
  }

  async function runNow(flowId) {
    const f = lastStatus && (lastStatus.flows || []).find(x => x.flow_id === flowId);
    const cached = runsCache.get(flowId);
    requested.set(flowId, {
      baseline: f && f.last_run ? f.last_run.run_id : null,
      history: cached && cached.runs ? (cached.runs.length ? cached.runs[0].run_id : null) : undefined,
      at: Date.now()
    });
    fresh.delete(flowId);
    if (lastStatus) {
      render(lastStatus);
    }
    try {
      const res = await api('flows/' + encodeURIComponent(flowId) + '/run', 'POST');
      if (res.status === 404) {
        requested.set(flowId, { at: Date.now(), error: res.body && res.body.error ? res.body.error : 'not found' });
      }
    } catch (e) {
      if (e instanceof AuthNeeded) {
        requested.delete(flowId);
        showTokenForm(e.refused);
        return;
      }
      requested.set(flowId, { at: Date.now(), error: 'run now: ' + e.message });
    }
    refreshNow();
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('token-form').addEventListener('submit', ev => {
      ev.preventDefault();
      const input = document.getElementById('token-input');
      const value = input.value.trim();
      if (!value) {
        return;
      }
      keepToken(value);
      input.value = '';
      hideTokenForm();
      refreshNow();
    });
    refresh();
  });
})();
