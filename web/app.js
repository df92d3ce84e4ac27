// The live BGP session dashboard: loads sessions with one GraphQL query, then keeps
// each row current from the bgpSessionChanged subscription (no page reloads). A row's live
// state comes from PeerGate's own speaker or from the router itself over BMP (its source).
import { query, SubscriptionClient } from './graphql.js';
import { sparkline, MAX_POINTS } from './chart.js';

const TOKEN_KEY = 'peergate.token';
const TYPES = { 'peering.directpeeringsession': 'direct', 'peering.internetexchangepeeringsession': 'ixp' };
const STATE_LABEL = { established: 'Established', idle: 'Idle', connect: 'Connect', active: 'Active', opensent: 'OpenSent', openconfirm: 'OpenConfirm' };

/** GraphQL enum values (ESTABLISHED, PRE_MAINTENANCE) as the stored choice values this page keys on. */
const choice = (v) => (v ? v.toLowerCase().replace(/_/g, '-') : null);

const SESSION_FIELDS = 'id ipAddress status bgpState receivedPrefixCount advertisedPrefixCount lastEstablishedState autonomousSystem { asn name }';
const LOAD = `query Dashboard {
  directPeeringSessions(limit: 1000) { items { ${SESSION_FIELDS} router { id name } } }
  internetExchangePeeringSessions(limit: 1000) { items { ${SESSION_FIELDS} ixpConnection { router { id name } internetExchangePoint { name } } } }
  bgpPeers { sessionType sessionId state uptime lastError downReason { kind direction communication } staleFamilies }
  bmpPeers { bmpRouter sysName routerId sessionType sessionId remoteAddress remoteAs status uptime prefixes lastDown }
}`;
const EVENTS = `subscription { bgpSessionChanged { sessionType sessionId routerId state uptime receivedPrefixCount advertisedPrefixCount lastError downReason { kind direction communication } staleFamilies source time } }`;
const BMP_PEERS = 'query BmpPeers { bmpPeers { bmpRouter sysName routerId sessionType sessionId remoteAddress remoteAs status uptime prefixes lastDown } }';
const BMP_STATE = { up: 'established', down: 'idle' };
/** BMP peers that no session in the data stands for: the gap between intent and reality. */
let unmatched = [];
const CHANGES = `subscription { objectChanged(types: ["peering.directpeeringsession", "peering.internetexchangepeeringsession", "devices.router", "peering.autonomoussystem"]) { objectType } }`;

/** @type {Map<string, any>} key "direct:1" -> row model */
const rows = new Map();
/** @type {Map<string, { tr: HTMLTableRowElement, version: number }>} */
const rendered = new Map();
const $ = (id) => document.getElementById(id);
const token = () => localStorage.getItem(TOKEN_KEY) ?? '';

// ---- data ----------------------------------------------------------------

// The worker writes live state back every ~2 s; a fresher event wins over the loaded columns.
const EVENT_WINS_MS = 5000;

function upsert(key, base) {
  const old = rows.get(key);
  if (old?.eventAt && Date.now() - old.eventAt < EVENT_WINS_MS) {
    for (const f of ['state', 'establishedAt', 'received', 'advertised']) delete base[f];
  }
  const row = { history: [], version: 0, lastError: null, ...old, ...base };
  row.version = (old?.version ?? 0) + 1;
  if (!row.history.length || row.history[row.history.length - 1].v !== row.received) {
    row.history.push({ t: Date.now(), v: row.received });
  }
  rows.set(key, row);
}

function fromSession(type, s, router, ixName) {
  const bgpState = choice(s.bgpState);
  const status = choice(s.status);
  const established = bgpState === 'established' && s.lastEstablishedState ? Date.parse(s.lastEstablishedState) : null;
  return {
    key: `${type}:${s.id}`, type, id: String(s.id), routerId: router ? String(router.id) : '', routerName: router?.name ?? '—',
    address: s.ipAddress.replace(/\/\d+$/, ''), ixName, asn: s.autonomousSystem ? String(s.autonomousSystem.asn) : '', asName: s.autonomousSystem?.name ?? '',
    state: status !== 'enabled' ? status : bgpState, establishedAt: established,
    received: s.receivedPrefixCount ?? 0, advertised: s.advertisedPrefixCount ?? 0,
  };
}

function formatError(e) {
  if (!e) return null;
  if (typeof e === 'string') return e;
  return [e.direction, [e.codeName, e.subcodeName].filter(Boolean).join('/'), e.text].filter(Boolean).join(' ');
}

/** The typed down reason as a badge ("Administrative shutdown, received"), with the peer's shutdown communication quoted. */
function downReasonBadge(d) {
  const badge = document.createElement('span');
  badge.className = 'down-reason';
  const kind = d.kind.charAt(0) + d.kind.slice(1).toLowerCase().replace(/_/g, ' ');
  badge.textContent = d.direction ? `${kind}, ${d.direction.toLowerCase()}` : kind;
  if (!d.communication) return badge;
  const wrap = document.createElement('span');
  const said = document.createElement('q');
  said.className = 'communication';
  said.textContent = d.communication;
  wrap.append(badge, ' ', said);
  return wrap;
}

let loading = null;
async function load() {
  if (loading) return loading;
  loading = (async () => {
    try {
      const data = await query(LOAD, {}, token());
      const seen = new Set();
      for (const s of data.directPeeringSessions.items) { const r = fromSession('direct', s, s.router, null); seen.add(r.key); upsert(r.key, r); }
      for (const s of data.internetExchangePeeringSessions.items) {
        const c = s.ixpConnection;
        const r = fromSession('ixp', s, c?.router, c?.internetExchangePoint?.name ?? 'IXP');
        seen.add(r.key); upsert(r.key, r);
      }
      for (const key of [...rows.keys()]) if (!seen.has(key)) rows.delete(key);
      // Live state when this gateway runs a worker itself (fresher than the written-back columns).
      for (const p of data.bgpPeers) {
        const row = rows.get(`${TYPES[p.sessionType]}:${p.sessionId}`);
        if (!row) continue;
        row.state = choice(p.state);
        row.establishedAt = row.state === 'established' ? Date.now() - p.uptime * 1000 : null;
        row.lastError = formatError(p.lastError);
        row.downReason = p.downReason;
        row.stale = p.staleFamilies;
        row.source = 'speaker';
        row.version++;
      }
      applyBmpPeers(data.bmpPeers);
      showError(null);
    } catch (e) {
      showError(/auth|credential|token|permission/i.test(e.message) ? `${e.message} — enter an API token above.` : `Could not load sessions: ${e.message}`);
    } finally {
      loading = null;
      refreshRouterFilter();
      scheduleRender();
    }
  })();
  return loading;
}

/** Live state routers report over BMP, and the list of their peers that have no session. */
function applyBmpPeers(peers) {
  unmatched = peers.filter((p) => !p.sessionId);
  for (const p of peers) {
    const row = p.sessionId ? rows.get(`${TYPES[p.sessionType]}:${p.sessionId}`) : null;
    if (!row || !BMP_STATE[p.status]) continue;
    row.state = BMP_STATE[p.status];
    row.establishedAt = p.status === 'up' ? Date.now() - p.uptime * 1000 : null;
    row.received = p.prefixes.prePolicy;
    if (p.lastDown && p.status !== 'up') row.lastError = p.lastDown.text;
    row.source = 'bmp';
    row.version++;
  }
  renderUnmatched();
}

async function loadBmpPeers() {
  try {
    applyBmpPeers((await query(BMP_PEERS, {}, token())).bmpPeers);
    scheduleRender();
  } catch { /* the next full load reports errors */ }
}

let reloadTimer = null;
function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(load, 400);
}

function onSessionEvent(data) {
  const e = data?.bgpSessionChanged;
  if (!e) return;
  const row = rows.get(`${TYPES[e.sessionType]}:${e.sessionId}`);
  if (!row) { scheduleReload(); return; } // a session we have not loaded yet
  const state = choice(e.state);
  row.flash = row.state !== state;
  row.eventAt = Date.now();
  row.state = state;
  row.establishedAt = state === 'established' ? Date.parse(e.time) - e.uptime * 1000 : null;
  row.received = e.receivedPrefixCount;
  row.advertised = e.advertisedPrefixCount;
  row.stale = e.staleFamilies ?? [];
  row.source = e.source;
  if (e.lastError) row.lastError = e.lastError;
  if (e.downReason) row.downReason = e.downReason;
  const h = row.history;
  if (!h.length || h[h.length - 1].v !== row.received) h.push({ t: Date.now(), v: row.received });
  if (h.length > MAX_POINTS) h.splice(0, h.length - MAX_POINTS);
  row.version++;
  scheduleRender();
}

// ---- view ----------------------------------------------------------------

function formatUptime(ms) {
  if (ms == null || ms < 0) return '—';
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s %= 86400;
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  const pad = (n) => String(n).padStart(2, '0');
  return `${d ? `${d}d ` : ''}${pad(h)}:${pad(m)}:${pad(s)}`;
}

function cell(tr, content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  if (content instanceof Node) td.appendChild(content); else td.textContent = content;
  tr.appendChild(td);
  return td;
}

function stateBadge(state) {
  const span = document.createElement('span');
  const known = state && STATE_LABEL[state];
  span.className = `state state-${known ? state : 'unknown'}`;
  span.textContent = known ? STATE_LABEL[state] : state ? state[0].toUpperCase() + state.slice(1) : 'Unknown';
  return span;
}

function drawRow(tr, r) {
  tr.replaceChildren();
  tr.dataset.key = r.key;
  tr.dataset.state = r.state ?? 'unknown';
  cell(tr, r.routerName);
  const peer = document.createElement('span');
  const addr = document.createElement('span');
  addr.className = 'peer-addr';
  addr.textContent = r.address;
  peer.append(addr, ` `);
  const kind = document.createElement('span');
  kind.className = 'muted';
  kind.textContent = r.ixName ? `· ${r.ixName}` : '· direct';
  peer.append(kind);
  if (r.source === 'bmp') {
    const src = document.createElement('span');
    src.className = 'source';
    src.textContent = 'BMP';
    src.title = 'Live state reported by the router over BMP (RFC 7854)';
    peer.append(' ', src);
  }
  cell(tr, peer);
  const as = document.createElement('span');
  as.textContent = r.asn ? `AS${r.asn}` : '—';
  const asName = document.createElement('span');
  asName.className = 'as-name';
  asName.textContent = r.asName;
  as.append(asName);
  cell(tr, as);
  cell(tr, stateBadge(r.state), 'state-cell');
  cell(tr, formatUptime(r.establishedAt == null ? null : Date.now() - r.establishedAt), 'num uptime');
  const received = cell(tr, r.received.toLocaleString(), 'num received');
  if (r.stale?.length) {
    // The peer is restarting gracefully: these routes are its last ones, kept until it is back.
    const badge = document.createElement('span');
    badge.className = 'stale';
    badge.textContent = 'stale';
    badge.title = `Kept through a graceful restart (RFC 4724): ${r.stale.join(', ')}`;
    received.append(' ', badge);
  }
  cell(tr, r.advertised.toLocaleString(), 'num advertised');
  cell(tr, sparkline(r.history));
  const err = cell(tr, '', 'err');
  if (r.downReason && r.state !== 'established') err.append(downReasonBadge(r.downReason), ' ');
  err.append(r.lastError ?? '');
  if (r.flash) { tr.classList.remove('flash'); void tr.offsetWidth; tr.classList.add('flash'); r.flash = false; }
}

function matches(r) {
  const router = $('f-router').value;
  const state = $('f-state').value;
  const as = $('f-as').value.trim().toLowerCase().replace(/^as/, '');
  const source = $('f-source').value;
  if (router && r.routerId !== router) return false;
  if (source && (r.source ?? '') !== source) return false;
  if (state === 'down' && r.state === 'established') return false;
  if (state && state !== 'down' && r.state !== state) return false;
  if (as && !(r.asn === as || r.asn.startsWith(as) || r.asName.toLowerCase().includes(as))) return false;
  return true;
}

let frame = 0;
function scheduleRender() { if (!frame) frame = requestAnimationFrame(render); }

function render() {
  frame = 0;
  const tbody = document.querySelector('#sessions tbody');
  const all = [...rows.values()].sort((a, b) => a.routerName.localeCompare(b.routerName) || a.address.localeCompare(b.address, undefined, { numeric: true }));
  const visible = all.filter(matches);
  const wanted = [];
  for (const r of visible) {
    let v = rendered.get(r.key);
    if (!v) { v = { tr: document.createElement('tr'), version: -1 }; rendered.set(r.key, v); }
    if (v.version !== r.version) { drawRow(v.tr, r); v.version = r.version; }
    wanted.push(v.tr);
  }
  for (const key of [...rendered.keys()]) if (!rows.has(key)) rendered.delete(key);
  // Reorders only when needed, so rows keep focus and animations.
  if (wanted.length !== tbody.children.length || wanted.some((tr, i) => tbody.children[i] !== tr)) tbody.replaceChildren(...wanted);
  const up = all.filter((r) => r.state === 'established').length;
  $('summary').textContent = `${visible.length} of ${all.length} sessions shown · ${up} established`;
  $('empty').hidden = visible.length > 0 || !all.length;
}

let ticks = 0;
function tickUptimes() {
  // Charts are right-aligned at now, so they move along every few seconds too.
  if (++ticks % 5 === 0) { for (const r of rows.values()) r.version++; scheduleRender(); return; }
  for (const [key, v] of rendered) {
    const r = rows.get(key);
    if (r?.establishedAt != null) { const td = v.tr.querySelector('.uptime'); if (td) td.textContent = formatUptime(Date.now() - r.establishedAt); }
  }
}

function refreshRouterFilter() {
  const sel = $('f-router');
  const current = sel.value;
  const routers = new Map();
  for (const r of rows.values()) if (r.routerId) routers.set(r.routerId, r.routerName);
  const opts = [...routers].sort((a, b) => a[1].localeCompare(b[1]));
  sel.replaceChildren(new Option('All routers', ''), ...opts.map(([id, name]) => new Option(name, id)));
  sel.value = routers.has(current) ? current : '';
}

function renderUnmatched() {
  const section = $('unmatched');
  section.hidden = !unmatched.length;
  const tbody = section.querySelector('tbody');
  tbody.replaceChildren(...unmatched.map((p) => {
    const tr = document.createElement('tr');
    cell(tr, p.sysName ? `${p.sysName} (${p.bmpRouter})` : p.bmpRouter);
    const addr = document.createElement('span');
    addr.className = 'peer-addr';
    addr.textContent = p.remoteAddress;
    cell(tr, addr);
    cell(tr, `AS${p.remoteAs}`);
    cell(tr, stateBadge(BMP_STATE[p.status] ?? null), 'state-cell');
    cell(tr, p.prefixes.prePolicy.toLocaleString(), 'num');
    return tr;
  }));
}

function showError(text) {
  const el = $('error');
  el.hidden = !text;
  el.textContent = text ?? '';
}

const STATUS_TEXT = { connecting: 'Connecting…', live: 'Live', offline: 'Offline', unauthorized: 'Not authorised' };
function setStatus(state, detail) {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = detail ? `${STATUS_TEXT[state]} — ${detail}` : STATUS_TEXT[state];
}

// ---- wiring --------------------------------------------------------------

function tokenNote() { $('token-note').textContent = token() ? 'Token saved in this browser.' : 'No token: anonymous access.'; }

const ws = new SubscriptionClient({ token, onStatus: setStatus, onConnected: () => { void load(); } });
ws.subscribe(EVENTS, {}, (data) => onSessionEvent(data));
ws.subscribe(CHANGES, {}, () => scheduleReload());

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = $('token').value.trim();
  if (v) localStorage.setItem(TOKEN_KEY, v);
  $('token').value = '';
  tokenNote();
  ws.connect();
});
$('token-clear').addEventListener('click', () => { localStorage.removeItem(TOKEN_KEY); tokenNote(); ws.connect(); });
for (const id of ['f-router', 'f-state', 'f-source']) $(id).addEventListener('change', scheduleRender);
$('f-as').addEventListener('input', scheduleRender);
$('filters').addEventListener('submit', (ev) => ev.preventDefault());

tokenNote();
void load();
ws.connect(); // reloads the data once connected, and again after every reconnect
setInterval(tickUptimes, 1000);
// Peers without a session publish no events: their list is refreshed now and then.
setInterval(loadBmpPeers, 10_000);
