// console.js: the durable-emulator's web console. A page of two views, chosen by the URL's hash:
//   #/                     the executions, filtered by function and status, refreshed live, and
//                          a form that starts an execution;
//   #/execution/<ARN>      one execution: input, result, timeline (timeline.js), open callbacks
//                          with their actions, invocations, history events.
// Everything goes through the emulator's own Lambda API routes (Invoke, GetDurableExecution,
// GetDurableExecutionHistory, ListDurableExecutionsByFunction, SendDurableExecutionCallback*,
// StopDurableExecution) and two read-only console endpoints (/console/api/overview for the
// function names and the clock, /console/api/executions for all functions at once). Nothing is
// validated here: the API's own errors are shown, with their AWS error code and message.
// Text from the data only ever reaches the page through textContent or timeline.js's escaping.
(function () {
  'use strict';

  const API = '/2025-12-01';
  const REFRESH_MS = 1500;
  const LIST_ITEMS = 100;
  const MAX_HISTORY_PAGES = 20;  // 20 pages of 1000 events: larger histories are cut, and said so
  const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];

  let timer = null;
  let generation = 0;  // bumped on every view change, so late answers of the old view are dropped
  let overview = { Functions: [], Clock: { Now: 0, Virtual: false } };

  // el('div', {class: 'x', onclick: fn}, child, 'text', ...): children are nodes or plain text.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'value') node.value = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child == null) continue;
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  class ApiFailure extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // One API call; a non-2xx answer becomes an ApiFailure carrying the error's code and message
  // exactly as the emulator wrote them.
  async function call(method, path, options) {
    options = options || {};
    const res = await fetch(path, { method, headers: options.headers || {}, body: options.body });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!res.ok) {
      const code = (json && (json.Type || json.__type)) || res.headers.get('X-Amzn-ErrorType') ||
        'HTTP ' + res.status;
      const message = (json && (json.message || json.Message)) || text;
      throw new ApiFailure(res.status, code, message);
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  function errorBox(err) {
    if (err instanceof ApiFailure) {
      return el('div', { class: 'error', role: 'alert', 'data-error-code': err.code },
        el('strong', {}, err.code), ': ', err.message);
    }
    return el('div', { class: 'error', role: 'alert' }, String(err && err.message || err));
  }
  function okBox(text) {
    return el('div', { class: 'ok', role: 'status' }, text);
  }

  const enc = encodeURIComponent;
  function functionOf(arn) {
    const m = /:function:([^:/]+)/.exec(arn || '');
    return m ? m[1] : '';
  }
  function formatTime(seconds) {
    if (seconds == null) return '';
    return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('Z', ' UTC');
  }
  function pretty(text) {
    if (text == null) return '';
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return String(text); }
  }
  function statusSpan(status) {
    return el('span', { class: 'status status-' + status }, status);
  }

  async function loadOverview() {
    overview = (await call('GET', '/console/api/overview')).json;
    const clock = document.getElementById('clock');
    clock.textContent = (overview.Clock.Virtual ? 'virtual clock: ' : 'clock: ') +
      formatTime(overview.Clock.Now);
  }
  function durableFunctions() {
    return overview.Functions.filter((f) => f.Durable).map((f) => f.Name);
  }

  function schedule(fn) {
    clearTimeout(timer);
    timer = setTimeout(fn, REFRESH_MS);
  }

  // --- The executions list ---

  function listView(app) {
    const mine = generation;
    const names = durableFunctions();
    const fnFilter = el('select', { id: 'filter-function' },
      el('option', { value: '' }, 'all functions'), names.map((n) => el('option', { value: n }, n)));
    const statusFilter = el('select', { id: 'filter-status' },
      el('option', { value: '' }, 'any status'), STATUSES.map((s) => el('option', { value: s }, s)));
    const live = el('input', { type: 'checkbox', id: 'live', checked: true });
    const tbody = el('tbody', { id: 'executions' });
    const listError = el('div', { id: 'list-error' });
    const note = el('p', { class: 'muted', id: 'list-note' });

    const startFunction = el('select', { id: 'start-function' }, names.map((n) => el('option', { value: n }, n)));
    const startName = el('input', { id: 'start-name', placeholder: 'execution name (optional)', size: 30 });
    const startPayload = el('textarea', { id: 'start-payload' });
    startPayload.value = '{}';
    const startResult = el('div', { id: 'start-result' });
    const startButton = el('button', {
      class: 'primary', id: 'start-button', type: 'button',
      onclick: async () => {
        startResult.replaceChildren();
        const headers = { 'X-Amz-Invocation-Type': 'Event', 'Content-Type': 'application/json' };
        if (startName.value !== '') headers['X-Amz-Durable-Execution-Name'] = startName.value;
        try {
          const res = await call('POST', '/2015-03-31/functions/' + enc(startFunction.value) + '/invocations',
            { headers, body: startPayload.value });
          const arn = res.headers.get('X-Amz-Durable-Execution-Arn');
          if (arn) location.hash = '#/execution/' + enc(arn);
          else startResult.replaceChildren(okBox('Invoked (status ' + res.status + ')'));
        } catch (err) {
          startResult.replaceChildren(errorBox(err));
        }
      },
    }, 'Start execution');

    app.replaceChildren(
      el('section', { id: 'list' },
        el('h2', {}, 'Executions'),
        el('div', { class: 'filters' },
          el('label', {}, 'Function ', fnFilter), el('label', {}, 'Status ', statusFilter),
          el('label', {}, live, ' refresh live')),
        listError,
        el('table', {}, el('thead', {}, el('tr', {},
          el('th', {}, 'Name'), el('th', {}, 'Function'), el('th', {}, 'Status'),
          el('th', {}, 'Started'), el('th', {}, 'Ended'))), tbody),
        note),
      el('section', { id: 'start' },
        el('h2', {}, 'Start an execution'),
        el('div', { class: 'row' }, el('label', {}, 'Function ', startFunction), startName),
        el('label', { for: 'start-payload' }, 'Payload (JSON, sent as the Invoke body)'), startPayload,
        el('div', { class: 'row' }, startButton), startResult));

    async function refresh() {
      if (mine !== generation) return;
      const status = statusFilter.value;
      try {
        let body;
        if (fnFilter.value) {
          body = (await call('GET', API + '/functions/' + enc(fnFilter.value) +
            '/durable-executions?ReverseOrder=true&MaxItems=' + LIST_ITEMS +
            (status ? '&Statuses=' + enc(status) : ''))).json;
          body.Truncated = body.NextMarker != null;
        } else {
          body = (await call('GET', '/console/api/executions?MaxItems=' + LIST_ITEMS +
            (status ? '&Statuses=' + enc(status) : ''))).json;
        }
        if (mine !== generation) return;
        listError.replaceChildren();
        tbody.replaceChildren(...body.DurableExecutions.map((e) => el('tr', { class: 'execution', 'data-arn': e.DurableExecutionArn, 'data-status': e.Status },
          el('td', {}, el('a', { href: '#/execution/' + enc(e.DurableExecutionArn) }, e.DurableExecutionName)),
          el('td', {}, functionOf(e.FunctionArn)), el('td', {}, statusSpan(e.Status)),
          el('td', {}, formatTime(e.StartTimestamp)), el('td', {}, formatTime(e.EndTimestamp)))));
        note.textContent = body.DurableExecutions.length === 0 ? 'No executions match.'
          : body.Truncated ? 'Showing the newest ' + body.DurableExecutions.length + '.' : '';
        loadOverview().catch(() => {});
      } catch (err) {
        if (mine === generation) listError.replaceChildren(errorBox(err));
      }
      if (mine === generation && live.checked) schedule(refresh);
    }
    fnFilter.addEventListener('change', refresh);
    statusFilter.addEventListener('change', refresh);
    live.addEventListener('change', () => { if (live.checked) refresh(); else clearTimeout(timer); });
    refresh();
  }

  // --- One execution ---

  async function loadHistory(arn) {
    let events = [];
    let marker = null;
    let pages = 0;
    do {
      const body = (await call('GET', API + '/durable-executions/' + enc(arn) +
        '/history?IncludeExecutionData=true&MaxItems=1000' + (marker ? '&Marker=' + enc(marker) : ''))).json;
      events = events.concat(body.Events || []);
      marker = body.NextMarker;
      pages += 1;
    } while (marker && pages < MAX_HISTORY_PAGES);
    return { events, truncated: !!marker };
  }

  function executionView(app, arn) {
    const mine = generation;
    const expanded = new Set();
    const summary = el('dl', { class: 'summary', id: 'summary' });
    const actions = el('div', { id: 'actions' });
    const actionResult = el('div', { id: 'action-result' });
    const callbacks = el('div', { id: 'callbacks' });
    const timeline = el('div', { class: 'timeline-box', id: 'timeline' });
    const invocations = el('tbody', { id: 'invocations' });
    const events = el('tbody', { id: 'events' });
    const pageError = el('div', { id: 'page-error' });
    const historyNote = el('p', { class: 'muted' });
    let shownCallbacks = null;
    let shownStatus = '';

    app.replaceChildren(
      el('p', {}, el('a', { href: '#/' }, '\u2190 all executions')),
      pageError,
      el('section', {}, el('h2', {}, 'Execution'), summary, actions, actionResult),
      el('section', { id: 'callbacks-section' }, el('h2', {}, 'Open callbacks'), callbacks),
      el('section', {}, el('h2', {}, 'Timeline'), timeline),
      el('section', {}, el('h2', {}, 'Invocations'), el('table', {}, el('thead', {}, el('tr', {},
        el('th', {}, '#'), el('th', {}, 'Request id'), el('th', {}, 'Started'), el('th', {}, 'Took'),
        el('th', {}, 'Outcome'))), invocations)),
      el('section', {}, el('h2', {}, 'History'), el('p', { class: 'muted' }, 'Click an event to see its JSON.'),
        el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Id'), el('th', {}, 'Time'),
          el('th', {}, 'Event'), el('th', {}, 'Name'), el('th', {}, 'Operation'))), events), historyNote));

    // Runs an action, shows its outcome, and refreshes at once.
    async function act(description, method, path, body, headers) {
      actionResult.replaceChildren();
      try {
        await call(method, path, { body, headers });
        actionResult.replaceChildren(okBox(description + ': done'));
      } catch (err) {
        actionResult.replaceChildren(errorBox(err));
      }
      refresh();
    }

    function renderCallbacks(open) {
      const key = open.map((c) => c.callbackId).join('\n');
      if (key === shownCallbacks) return;  // keep what the user is typing
      shownCallbacks = key;
      if (open.length === 0) {
        callbacks.replaceChildren(el('p', { class: 'muted' }, 'None open.'));
        return;
      }
      callbacks.replaceChildren(...open.map((c) => {
        const payload = el('textarea', { class: 'callback-payload' });
        payload.value = '{}';
        const errorType = el('input', { class: 'callback-error-type', value: 'Error', size: 16 });
        const errorMessage = el('input', { class: 'callback-error-message', placeholder: 'error message', size: 30 });
        const base = API + '/durable-execution-callbacks/' + enc(c.callbackId);
        return el('div', { class: 'callback', 'data-callback-id': c.callbackId, 'data-name': c.name },
          el('div', {}, el('strong', {}, c.name || '(unnamed callback)'), ' ',
            el('span', { class: 'muted' }, 'callback id ' + c.callbackId)),
          el('label', {}, 'Result (sent as the request body)'), payload,
          el('div', { class: 'row' },
            el('button', { class: 'primary callback-succeed', type: 'button',
              onclick: () => act('Callback success', 'POST', base + '/succeed', payload.value,
                { 'Content-Type': 'application/json' }) }, 'Send success'),
            el('button', { class: 'callback-heartbeat', type: 'button',
              onclick: () => act('Heartbeat', 'POST', base + '/heartbeat', '') }, 'Heartbeat'),
            el('span', {}, ' or fail with '), errorType, errorMessage,
            el('button', { class: 'danger callback-fail', type: 'button',
              onclick: () => act('Callback failure', 'POST', base + '/fail',
                JSON.stringify({ ErrorType: errorType.value, ErrorMessage: errorMessage.value }),
                { 'Content-Type': 'application/json' }) }, 'Send failure')));
      }));
    }

    function renderSummary(execution) {
      const rows = [
        ['Name', execution.DurableExecutionName], ['ARN', execution.DurableExecutionArn],
        ['Function', functionOf(execution.FunctionArn)], ['Status', statusSpan(execution.Status)],
        ['Started', formatTime(execution.StartTimestamp)], ['Ended', formatTime(execution.EndTimestamp)],
      ];
      const blocks = [['Input', 'input', execution.InputPayload], ['Result', 'result', execution.Result]];
      const nodes = [];
      for (const [label, value] of rows) nodes.push(el('dt', {}, label), el('dd', {}, value));
      for (const [label, id, value] of blocks) {
        if (value != null) nodes.push(el('dt', {}, label), el('dd', {}, el('pre', { id }, pretty(value))));
      }
      if (execution.Error) {
        nodes.push(el('dt', {}, 'Error'), el('dd', {}, el('pre', { id: 'error' }, JSON.stringify(execution.Error, null, 2))));
      }
      summary.replaceChildren(...nodes);
      if (shownStatus !== execution.Status) {
        shownStatus = execution.Status;
        actions.replaceChildren();
        if (execution.Status === 'RUNNING') {
          actions.appendChild(el('div', { class: 'row' }, el('button', { class: 'danger', id: 'stop-button', type: 'button',
            onclick: () => act('Stop', 'POST', API + '/durable-executions/' + enc(arn) + '/stop', '') }, 'Stop execution')));
        }
      }
    }

    function renderEvents(list, start) {
      const rows = [];
      for (const e of list) {
        const offset = DurableTimeline.formatOffset(Math.round(e.EventTimestamp * 1000) - start);
        rows.push(el('tr', { class: 'event', 'data-event-id': e.EventId,
          onclick: () => {
            if (expanded.has(e.EventId)) expanded.delete(e.EventId); else expanded.add(e.EventId);
            renderEvents(list, start);
          } },
          el('td', {}, e.EventId), el('td', {}, offset), el('td', {}, e.EventType),
          el('td', {}, e.Name || ''), el('td', { class: 'muted' }, e.Id ? e.Id.slice(0, 12) : '')));
        if (expanded.has(e.EventId)) {
          rows.push(el('tr', { class: 'event-json', 'data-event-id': e.EventId },
            el('td', { colspan: 5 }, el('pre', {}, JSON.stringify(e, null, 2)))));
        }
      }
      events.replaceChildren(...rows);
    }

    function renderInvocations(model) {
      invocations.replaceChildren(...model.invocations.map((inv, i) => el('tr', { class: 'invocation' },
        el('td', {}, i + 1), el('td', {}, inv.requestId),
        el('td', {}, DurableTimeline.formatOffset(inv.start - model.start)),
        el('td', {}, DurableTimeline.formatDuration(inv.end - inv.start)),
        el('td', {}, inv.error ? (inv.error.ErrorType || 'error') + ': ' + (inv.error.ErrorMessage || '') : 'ok'))));
    }

    async function refresh() {
      if (mine !== generation) return;
      let running = true;
      try {
        const [execution, history] = await Promise.all([
          call('GET', API + '/durable-executions/' + enc(arn)).then((r) => r.json),
          loadHistory(arn),
          loadOverview(),
        ]);
        if (mine !== generation) return;
        pageError.replaceChildren();
        running = execution.Status === 'RUNNING';
        renderSummary(execution);
        const model = DurableTimeline.buildModel(history.events, {
          name: execution.DurableExecutionName, now: running ? overview.Clock.Now : null,
        });
        timeline.innerHTML = DurableTimeline.renderSvg(model, { virtual: overview.Clock.Virtual, idPrefix: 'console' });
        renderCallbacks(running ? model.operations
          .filter((op) => op.type === 'CALLBACK' && op.status === 'STARTED' && op.callbackId)
          .map((op) => {
            const parent = model.operations.find((p) => p.id === op.parentId);
            return { callbackId: op.callbackId, name: op.name || (parent ? parent.name : '') };
          }) : []);
        renderInvocations(model);
        renderEvents(history.events, model.start);
        historyNote.textContent = history.truncated
          ? 'The history is longer than ' + MAX_HISTORY_PAGES * 1000 + ' events; the rest is not shown.' : '';
      } catch (err) {
        if (mine === generation) pageError.replaceChildren(errorBox(err));
      }
      if (mine === generation && running) schedule(refresh);
    }
    refresh();
  }

  async function route() {
    generation += 1;
    clearTimeout(timer);
    const app = document.getElementById('app');
    try {
      await loadOverview();
    } catch (err) {
      app.replaceChildren(errorBox(err));
      return;
    }
    const hash = location.hash || '#/';
    const match = /^#\/execution\/(.+)$/.exec(hash);
    if (match) executionView(app, decodeURIComponent(match[1]));
    else listView(app);
  }

  window.addEventListener('hashchange', route);
  route();
})();
