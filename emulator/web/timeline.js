// timeline.js: the picture of one durable execution, drawn from its history (the events of
// GetDurableExecutionHistory). The web console and TestResult::write_timeline_html both use this
// one file, so a test's timeline and the console's look the same.
//
// Only pure functions over the events: no network, no timers. Every text taken from the data is
// escaped before it becomes markup, so a name or payload holding "<script>" stays text.
//
// The picture: one row per operation, nested under its parent context, with bars on a time axis
// coloured by status. Steps show each attempt and the retry delays between them; waits and
// callback waits are hatched; the handler's invocations have their own row. The axis is
// compressed (each gap between two instants gets a width growing with the log of its length),
// so a step of a millisecond and a wait of two days are both visible; tick labels are offsets
// from the execution's start on the emulator's clock, which may be virtual.
(function (global) {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const COLORS = {
    SUCCEEDED: '#2e9d4f',
    FAILED: '#d64545',
    TIMED_OUT: '#e07b24',
    STOPPED: '#7d7d7d',
    CANCELLED: '#9e9e9e',
    STARTED: '#2f6fd6',
    RUNNING: '#2f6fd6',
    PENDING: '#d9a21b',
  };
  // Hatched bars: time spent waiting rather than running.
  const HATCH_COLORS = { wait: '#2f6fd6', callback: '#8a4fd0', retry: '#d9a21b' };
  const TYPE_OF_PREFIX = {
    Context: 'CONTEXT', Wait: 'WAIT', Step: 'STEP', ChainedInvoke: 'CHAINED_INVOKE',
    Callback: 'CALLBACK',
  };
  const STATUS_OF_SUFFIX = {
    Succeeded: 'SUCCEEDED', Failed: 'FAILED', TimedOut: 'TIMED_OUT', Stopped: 'STOPPED',
    Cancelled: 'CANCELLED',
  };

  function escapeXml(value) {
    return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  // "+0ms", "+1.250s", "+3m 20s", "+5h 2m", "+2d 0h": the same style as TestResult::timeline().
  function formatDuration(ms) {
    const sign = ms < 0 ? '-' : '';
    let v = Math.round(Math.abs(ms));
    if (v < 1000) return sign + v + 'ms';
    if (v < 60000) return sign + (v / 1000).toFixed(3) + 's';
    v = Math.floor(v / 1000);
    if (v < 3600) return sign + Math.floor(v / 60) + 'm ' + (v % 60) + 's';
    if (v < 86400) return sign + Math.floor(v / 3600) + 'h ' + Math.floor((v % 3600) / 60) + 'm';
    return sign + Math.floor(v / 86400) + 'd ' + Math.floor((v % 86400) / 3600) + 'h';
  }
  function formatOffset(ms) {
    return (ms < 0 ? '' : '+') + formatDuration(ms);
  }

  function splitEventType(eventType) {
    for (const prefix of Object.keys(TYPE_OF_PREFIX)) {
      if (eventType.startsWith(prefix)) return [prefix, eventType.slice(prefix.length)];
    }
    if (eventType.startsWith('Execution')) return ['Execution', eventType.slice(9)];
    return [eventType, ''];
  }

  function detailsOf(event) {
    return event[event.EventType + 'Details'] || {};
  }

  // The execution as rows of operations: {execution, operations (tree order, with depth),
  // invocations, start, end}. Times are epoch milliseconds. `options.now` (epoch seconds) ends the
  // bars still open; by default the last event's time.
  function buildModel(events, options) {
    options = options || {};
    const sorted = (events || []).slice().sort((a, b) => a.EventId - b.EventId);
    const ms = (seconds) => Math.round(Number(seconds) * 1000);
    let last = 0;
    for (const e of sorted) last = Math.max(last, ms(e.EventTimestamp));
    const now = options.now != null ? Math.max(ms(options.now), last) : last;
    const execution = {
      id: '', name: options.name || 'execution', type: 'EXECUTION', status: 'RUNNING',
      start: sorted.length ? ms(sorted[0].EventTimestamp) : now, end: null, depth: 0,
      segments: [], attempts: 0,
    };
    const ops = new Map();
    const order = [];
    const invocations = [];
    // One slot per event, in order, plus one for `now` when bars are still open after the last.
    const slots = sorted.map((e) => ms(e.EventTimestamp));
    let slot = -1;
    for (const e of sorted) {
      slot += 1;
      const t = ms(e.EventTimestamp);
      const d = detailsOf(e);
      if (e.EventType === 'InvocationCompleted') {
        invocations.push({
          requestId: d.RequestId || '', start: ms(d.StartTimestamp), end: ms(d.EndTimestamp),
          error: d.Error && d.Error.Payload ? d.Error.Payload : null, eventId: e.EventId, to: slot,
        });
        continue;
      }
      const [kind, suffix] = splitEventType(e.EventType);
      if (kind === 'Execution') {
        if (suffix === 'Started') execution.start = t;
        else {
          execution.status = STATUS_OF_SUFFIX[suffix] || suffix.toUpperCase();
          execution.end = t;
          execution.endSlot = slot;
        }
        continue;
      }
      if (!TYPE_OF_PREFIX[kind] || !e.Id) continue;
      let op = ops.get(e.Id);
      if (!op) {
        op = {
          id: e.Id, name: e.Name || '', type: TYPE_OF_PREFIX[kind], subType: e.SubType || '',
          parentId: e.ParentId || '', start: t, end: null, status: 'STARTED', segments: [],
          attempts: 0, open: null, detail: '', children: [],
        };
        ops.set(e.Id, op);
        order.push(op);
      }
      if (e.Name && !op.name) op.name = e.Name;
      const close = (status) => {
        if (op.open) {
          op.open.end = t;
          op.open.to = slot;
          op.open.status = status;
          op.open = null;
        }
      };
      const openSegment = (segKind) => {
        op.open = { kind: segKind, start: t, end: null, from: slot, to: null, status: 'STARTED' };
        op.segments.push(op.open);
      };
      if (suffix === 'Started') {
        if (kind === 'Step') {
          close('PENDING');  // a retry delay ends with the next attempt
          op.attempts += 1;
          op.status = 'STARTED';
          openSegment('attempt');
        } else if (!op.open && op.end === null) {
          openSegment(kind === 'Wait' ? 'wait' : kind === 'Callback' ? 'callback' : 'span');
          if (kind === 'Wait' && d.Duration != null) op.detail = 'wait ' + formatDuration(d.Duration * 1000);
          if (kind === 'Callback' && d.CallbackId) op.callbackId = d.CallbackId;
          if (kind === 'ChainedInvoke' && d.FunctionName) op.detail = '→ ' + d.FunctionName;
        }
        continue;
      }
      const status = STATUS_OF_SUFFIX[suffix] || suffix.toUpperCase();
      if (kind === 'Step') {
        if (!op.open) {  // a step recorded without a START (its attempt began unseen)
          op.attempts += 1;
          openSegment('attempt');
        }
        const retry = d.RetryDetails || {};
        if (retry.CurrentAttempt) op.attempts = Math.max(op.attempts, retry.CurrentAttempt);
        if (suffix === 'Failed' && retry.NextAttemptDelaySeconds != null) {
          close('FAILED');
          op.status = 'PENDING';
          openSegment('retry');
          op.open.status = 'PENDING';
          continue;
        }
      }
      close(status);
      op.status = status;
      op.end = t;
    }
    // Bars still open run to `now`.
    const all = [execution].concat(order);
    const openUntil = slots.length && now > slots[slots.length - 1] ? slots.push(now) - 1
      : Math.max(slots.length - 1, 0);
    if (slots.length === 0) slots.push(now);
    for (const op of order) {
      for (const s of op.segments) {
        if (s.end === null) { s.end = now; s.to = openUntil; s.open = true; }
      }
      if (op.attempts > 1) op.detail = (op.detail ? op.detail + ', ' : '') + op.attempts + ' attempts';
      if (op.type === 'CALLBACK' && op.status === 'STARTED') op.detail = 'waiting for callback';
    }
    execution.segments.push({
      kind: 'span', start: execution.start, end: execution.end === null ? now : execution.end,
      from: 0, to: execution.end === null ? openUntil : execution.endSlot,
      status: execution.status, open: execution.end === null,
    });
    // Tree order: children under their parent context, in the order they appeared.
    const roots = [];
    for (const op of order) {
      const parent = op.parentId ? ops.get(op.parentId) : null;
      if (parent && parent !== op) parent.children.push(op);
      else roots.push(op);
    }
    const rows = [];
    const visit = (op, depth) => {
      op.depth = depth;
      rows.push(op);
      for (const child of op.children) visit(child, depth + 1);
    };
    for (const op of roots) visit(op, 1);
    let end = execution.end === null ? now : execution.end;
    for (const op of all) for (const s of op.segments) end = Math.max(end, s.end);
    for (const inv of invocations) end = Math.max(end, inv.end);
    // An invocation spans the slots of the events it made: from the first at or after its start.
    let previous = -1;
    for (const inv of invocations) {
      let from = inv.to;
      while (from > previous + 1 && slots[from - 1] >= inv.start) from -= 1;
      inv.from = from;
      previous = inv.to;
    }
    return { execution, operations: rows, invocations, start: execution.start, end, now, slots };
  }

  // A compressed time axis over the model's slots (one per event, in order): between two slots
  // 12 + 28 * log10(1 + gap / 10ms) pixels, or 7 when no time passed between them (events of one
  // instant still read left to right in the order they happened); then scaled into [min, max].
  function makeAxis(model, minWidth, maxWidth) {
    const times = model.slots;
    const xs = [0];
    for (let i = 1; i < times.length; ++i) {
      const gap = times[i] - times[i - 1];
      xs.push(xs[i - 1] + (gap > 0 ? 12 + 28 * Math.log10(1 + gap / 10) : 7));
    }
    const natural = xs[xs.length - 1] || 1;
    const width = Math.min(maxWidth, Math.max(minWidth, natural));
    const k = width / natural;
    const positions = xs.map((x) => x * k);
    const x = (slot) => positions[Math.max(0, Math.min(positions.length - 1, slot))];
    return { times, positions, width, x };
  }

  function colorOf(status) {
    return COLORS[status] || '#5f6b7a';
  }

  // The SVG markup of the model. options: virtual (the emulator's clock is virtual: say so on
  // the axis), idPrefix (unique per page, for the hatching patterns), maxWidth.
  function renderSvg(model, options) {
    options = options || {};
    const prefix = (options.idPrefix || 'tl').replace(/[^A-Za-z0-9_-]/g, '');
    const labelWidth = 270;
    const rowHeight = 22;
    const top = 46;
    const axis = makeAxis(model, 560, options.maxWidth || 1400);
    const plotLeft = labelWidth + 10;
    const rows = [model.execution].concat(model.operations);
    const invocationRow = rows.length;
    const height = top + (rows.length + 1) * rowHeight + 58;
    const width = plotLeft + axis.width + 250;
    const out = [];
    out.push('<svg xmlns="' + SVG_NS + '" class="durable-timeline" width="' + Math.ceil(width) +
             '" height="' + height + '" viewBox="0 0 ' + Math.ceil(width) + ' ' + height +
             '" font-family="sans-serif" font-size="12" role="img" aria-label="execution timeline">');
    out.push('<defs>');
    for (const [name, color] of Object.entries(HATCH_COLORS)) {
      out.push('<pattern id="' + prefix + '-' + name + '" width="6" height="6" ' +
               'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
               '<rect width="6" height="6" fill="' + color + '" fill-opacity="0.18"/>' +
               '<line x1="0" y1="0" x2="0" y2="6" stroke="' + color + '" stroke-width="3"/></pattern>');
    }
    out.push('</defs>');
    out.push('<rect width="100%" height="100%" fill="#ffffff"/>');
    // Axis: caption, ticks at instants far enough apart to be read.
    const caption = options.virtual
      ? 'virtual time (the emulator\u2019s clock), offset from the execution start; axis compressed'
      : 'time since the execution start; axis compressed';
    out.push('<text class="axis-caption" x="' + plotLeft + '" y="14" fill="#444">' + escapeXml(caption) + '</text>');
    let lastLabel = -1e9;
    const plotBottom = top + (rows.length + 1) * rowHeight;
    for (let i = 0; i < axis.times.length; ++i) {
      if (i > 0 && axis.times[i] === axis.times[i - 1]) continue;  // one tick per instant
      const x = plotLeft + axis.positions[i];
      out.push('<line class="tick" x1="' + x.toFixed(1) + '" y1="' + (top - 6) + '" x2="' + x.toFixed(1) +
               '" y2="' + plotBottom + '" stroke="#e3e6ea"/>');
      if (x - lastLabel >= 64) {
        out.push('<text class="tick-label" x="' + x.toFixed(1) + '" y="' + (top - 10) +
                 '" text-anchor="middle" fill="#555" font-size="11">' +
                 escapeXml(formatOffset(axis.times[i] - model.start)) + '</text>');
        lastLabel = x;
      }
    }
    rows.forEach((op, index) => {
      const y = top + index * rowHeight;
      const isExecution = op.type === 'EXECUTION';
      const label = isExecution ? op.name : (op.name || '(' + op.type.toLowerCase() + ')');
      // The execution's row needs no tag: it is the top one, in bold.
      const typeTag = isExecution ? '' : (op.subType || op.type);
      // What fits the label column beside the indent and the type tag.
      const room = isExecution ? 30 : Math.max(8, 38 - op.depth * 2 - Math.ceil(typeTag.length * 0.8));
      const shown = label.length > room ? label.slice(0, room - 1) + '\u2026' : label;
      const title = (isExecution ? 'execution ' : op.type + ' ') + label + ' \u2014 ' + op.status +
        (op.attempts > 1 ? ', ' + op.attempts + ' attempts' : '') +
        (op.callbackId ? ', callback id ' + op.callbackId : '') +
        ', ' + formatOffset(op.segments.length ? op.segments[0].start - model.start : 0);
      out.push('<g class="op-row" data-op-id="' + escapeXml(op.id) + '" data-op-type="' + escapeXml(op.type) +
               '" data-status="' + escapeXml(op.status) + '" data-name="' + escapeXml(label) + '">');
      out.push('<title>' + escapeXml(title) + '</title>');
      if (index % 2 === 1) {
        out.push('<rect x="0" y="' + y + '" width="' + Math.ceil(width) + '" height="' + rowHeight + '" fill="#f7f8fa"/>');
      }
      out.push('<text class="op-label" x="' + (8 + op.depth * 14) + '" y="' + (y + 15) + '" fill="#1d2733"' +
               (isExecution ? ' font-weight="bold"' : '') + '>' + escapeXml(shown) +
               ' <tspan fill="#8a94a3" font-size="10">' + escapeXml(typeTag) + '</tspan></text>');
      let barEnd = plotLeft;
      for (const s of op.segments) {
        const x1 = plotLeft + axis.x(s.from);
        const x2 = Math.max(plotLeft + axis.x(s.to), x1 + 4);
        barEnd = Math.max(barEnd, x2);
        const hatched = s.kind === 'wait' || s.kind === 'callback' || s.kind === 'retry';
        const color = colorOf(s.status);
        const fill = hatched ? 'url(#' + prefix + '-' + s.kind + ')' : color;
        const stroke = hatched ? HATCH_COLORS[s.kind] : color;
        out.push('<rect class="op-bar seg-' + s.kind + (s.open ? ' open' : '') + '" data-status="' + escapeXml(s.status) +
                 '" x="' + x1.toFixed(1) + '" y="' + (y + 4) + '" width="' + (x2 - x1).toFixed(1) +
                 '" height="' + (rowHeight - 8) + '" rx="2" fill="' + fill + '" stroke="' + stroke + '"' +
                 (s.open ? ' stroke-dasharray="3 2"' : '') + '/>');
      }
      const note = isExecution ? op.status : op.status + (op.detail ? ' \u00b7 ' + op.detail : '');
      out.push('<text class="op-note" x="' + (barEnd + 6).toFixed(1) + '" y="' + (y + 15) +
               '" fill="' + colorOf(op.status) + '" font-size="11">' + escapeXml(note) + '</text>');
      out.push('</g>');
    });
    // The handler's invocations, one bar each.
    const iy = top + invocationRow * rowHeight;
    out.push('<g class="invocation-row"><text x="8" y="' + (iy + 15) + '" fill="#1d2733" font-style="italic">invocations</text>');
    model.invocations.forEach((inv, i) => {
      const x1 = plotLeft + axis.x(inv.from);
      const x2 = Math.max(plotLeft + axis.x(inv.to), x1 + 4);
      const failed = inv.error != null;
      out.push('<rect class="invocation-bar" data-request-id="' + escapeXml(inv.requestId) + '" x="' + x1.toFixed(1) +
               '" y="' + (iy + 5) + '" width="' + (x2 - x1).toFixed(1) + '" height="' + (rowHeight - 10) +
               '" fill="' + (failed ? COLORS.FAILED : '#5f6b7a') + '"><title>' +
               escapeXml('invocation ' + (i + 1) + ' ' + inv.requestId + ' ' + formatOffset(inv.start - model.start) +
                         ' (' + formatDuration(inv.end - inv.start) + ')' +
                         (failed ? ' failed: ' + (inv.error.ErrorType || '') + ' ' + (inv.error.ErrorMessage || '') : '')) +
               '</title></rect>');
    });
    out.push('</g>');
    // Legend.
    const ly = plotBottom + 24;
    const legend = [
      ['SUCCEEDED', COLORS.SUCCEEDED, false], ['FAILED', COLORS.FAILED, false],
      ['running', COLORS.STARTED, false], ['TIMED_OUT', COLORS.TIMED_OUT, false],
      ['STOPPED', COLORS.STOPPED, false], ['wait', 'wait', true],
      ['callback wait', 'callback', true], ['retry delay', 'retry', true],
    ];
    let lx = 8;
    out.push('<g class="legend">');
    for (const [text, color, hatched] of legend) {
      out.push('<rect x="' + lx + '" y="' + (ly - 10) + '" width="14" height="12" rx="2" fill="' +
               (hatched ? 'url(#' + prefix + '-' + color + ')' : color) + '"/>');
      out.push('<text x="' + (lx + 18) + '" y="' + ly + '" fill="#444" font-size="11">' + escapeXml(text) + '</text>');
      lx += 34 + text.length * 7;
    }
    out.push('</g>');
    out.push('</svg>');
    return out.join('');
  }

  // For the self-contained HTML file TestResult::write_timeline_html writes: reads the JSON in
  // <script type="application/json" id="timeline-data"> and fills #summary and #timeline.
  function mountStandalone(document) {
    const data = JSON.parse(document.getElementById('timeline-data').textContent);
    const model = buildModel(data.Events, { name: data.Name, now: data.Now });
    const summary = document.getElementById('summary');
    const line = (label, value) => {
      if (value == null) return;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      const pre = document.createElement('pre');
      pre.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      dd.appendChild(pre);
      summary.appendChild(dt);
      summary.appendChild(dd);
    };
    line('Execution', data.ExecutionArn);
    line('Status', data.Status);
    line('Input', data.Input);
    line('Result', data.Result);
    line('Error', data.Error);
    document.getElementById('timeline').innerHTML =
      renderSvg(model, { virtual: data.Virtual, idPrefix: 'standalone' });
    return model;
  }

  global.DurableTimeline = {
    escapeXml, formatDuration, formatOffset, buildModel, renderSvg, mountStandalone,
  };
})(typeof window !== 'undefined' ? window : globalThis);
