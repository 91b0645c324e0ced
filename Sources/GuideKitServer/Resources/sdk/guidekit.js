// GuideKit web SDK: draws the step `guidekit serve` decides for a user and sends the user's actions back.
// One dependency-free ES module. `guidekit serve` also serves it as a classic script
// (`/sdk/guidekit.global.js`) that sets `window.GuideKit`.
//
//   import GuideKit from "https://guides.example.com/sdk/guidekit.js";
//   GuideKit.init({host: "https://guides.example.com", key: "pk_…", user: {id: "u_1", signature: "…"}});
//
// Public surface: init, identify, page, track, show, dismiss, reset, on, off, flush, and `version`.

const VERSION = "1.0.0";
const DEFAULT_TARGET_TIMEOUT = 6000;
const DEFAULT_Z_INDEX = 2147483000;
const BATCH_DELAY = 400;
const BATCH_SIZE = 100;
const MAX_QUEUE = 1000;
const MAX_BACKOFF = 30000;

// ---------------------------------------------------------------------------------------------------------------
// State

let config = null; // {host, key, user, locale, targetTimeout, zIndex, theme, autoPage}
const listeners = { step: [], complete: [], dismiss: [], error: [], decision: [] };
let queue = [];
let flushTimer = null;
let flushing = null;
let backoff = 0;
let current = null; // {decision, decisionId, view}
let decideSeq = 0;
let lastPage = null;
let host = null; // the shadow host element
let root = null; // its shadow root
let historyPatched = false;
let lastFocus = null;
let pendingView = null; // a step whose view was sent when the user moved to it (back, goto)

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function emit(name, payload) {
  for (const handler of listeners[name] || []) {
    try {
      handler(payload);
    } catch (error) {
      if (name !== "error") emit("error", { code: "handler_failed", message: String(error) });
    }
  }
}

function fail(code, message, extra) {
  emit("error", Object.assign({ code, message }, extra || {}));
}

function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (globalThis.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function el(tag, attributes, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children || []) if (child) node.append(child);
  return node;
}

function reducedMotion() {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function storageKey() {
  return config ? `guidekit:queue:${config.host}:${config.user.id}` : null;
}

function saveQueue() {
  try {
    const key = storageKey();
    if (!key) return;
    if (queue.length) localStorage.setItem(key, JSON.stringify(queue));
    else localStorage.removeItem(key);
  } catch (_) {
    // Storage may be full or disabled; the queue stays in memory.
  }
}

function loadQueue() {
  try {
    const key = storageKey();
    const saved = key && localStorage.getItem(key);
    const events = saved ? JSON.parse(saved) : [];
    return Array.isArray(events) ? events.filter((e) => e && typeof e === "object" && e.id) : [];
  } catch (_) {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Safe HTML: the server sends Markdown bodies as safe HTML; the SDK still rebuilds it from an allow-list, so no
// script, event handler or javascript: link can reach the page even if a proxy or an old server changed it.

const ALLOWED_TAGS = new Set([
  "P", "BR", "STRONG", "B", "EM", "I", "CODE", "PRE", "A", "UL", "OL", "LI", "BLOCKQUOTE",
  "H1", "H2", "H3", "H4", "H5", "H6", "HR", "DEL", "S", "SPAN",
]);

function safeHref(href) {
  const trimmed = String(href || "").trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return null; // javascript:, data:, vbscript: …
  return trimmed;
}

function safeFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = String(html || "");
  const out = document.createDocumentFragment();
  const copy = (source, target) => {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED_TAGS.has(node.tagName)) {
          if (node.tagName !== "SCRIPT" && node.tagName !== "STYLE" && node.tagName !== "TEMPLATE") copy(node, target);
          continue;
        }
        const clean = document.createElement(node.tagName.toLowerCase());
        if (node.tagName === "A") {
          const href = safeHref(node.getAttribute("href"));
          if (href !== null) clean.setAttribute("href", href);
          clean.setAttribute("target", "_blank");
          clean.setAttribute("rel", "noopener noreferrer");
        }
        copy(node, clean);
        target.append(clean);
      }
    }
  };
  copy(template.content, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Network

function headers() {
  const result = { "Content-Type": "application/json" };
  if (config.key) result.Authorization = `Bearer ${config.key}`;
  if (config.user && config.user.signature) result["GuideKit-Signature"] = config.user.signature;
  return result;
}

async function post(path, body) {
  const response = await fetch(config.host + path, {
    method: "POST",
    headers: headers(),
    body: JSON.stringify(body),
    credentials: "omit",
  });
  let json = null;
  try {
    json = await response.json();
  } catch (_) {
    json = null;
  }
  if (!response.ok) {
    const error = (json && json.error) || {};
    const failure = new Error(error.message || `HTTP ${response.status}`);
    failure.status = response.status;
    failure.code = error.code || `http_${response.status}`;
    throw failure;
  }
  return json;
}

function enqueue(event) {
  if (!config || !config.user) return null;
  const full = Object.assign({ id: uuid(), ts: new Date().toISOString(), user: config.user.id }, event);
  queue.push(full);
  if (queue.length > MAX_QUEUE) {
    const lost = queue.splice(0, queue.length - MAX_QUEUE);
    fail("queue_overflow", `${lost.length} events were dropped: the queue holds at most ${MAX_QUEUE}`);
  }
  saveQueue();
  scheduleFlush(BATCH_DELAY);
  return full;
}

function scheduleFlush(delay) {
  if (flushTimer) return;
  flushTimer = setTimeout(() => {
    flushTimer = null;
    flush().catch(() => {});
  }, delay);
}

/** Sends every queued event now; resolves once the server has them (or they were rejected). */
async function flush() {
  if (!config) return;
  if (flushing) return flushing;
  if (flushTimer) {
    clearTimeout(flushTimer);
    flushTimer = null;
  }
  // The run clears `flushing` from a later microtask: an empty queue finishes synchronously, before the assignment.
  const run = async () => {
    while (queue.length) {
      const batch = queue.slice(0, BATCH_SIZE);
      let answer;
      try {
        answer = await post("/v1/events", { events: batch });
      } catch (error) {
        const retry = !error.status || error.status >= 500 || error.status === 408 || error.status === 429;
        if (retry) {
          backoff = Math.min(backoff ? backoff * 2 : 1000, MAX_BACKOFF);
          scheduleFlush(backoff + Math.floor(Math.random() * 250));
          fail("events_retry", `sending events failed (${error.message}); retrying in ${backoff} ms`);
          throw error;
        }
        fail(error.code, `events refused: ${error.message}`, { events: batch });
        answer = { rejected: batch.map((event, index) => ({ index, id: event.id, error: error.message })) };
      }
      backoff = 0;
      const sent = new Set(batch.map((event) => event.id));
      queue = queue.filter((event) => !sent.has(event.id));
      saveQueue();
      for (const rejected of (answer && answer.rejected) || []) {
        fail("event_rejected", String(rejected.error || "rejected"), { event: batch[rejected.index] });
      }
    }
  };
  flushing = run().finally(() => {
    flushing = null;
  });
  return flushing;
}

function beaconFlush() {
  if (!config || !queue.length || typeof navigator.sendBeacon !== "function") return;
  // sendBeacon cannot set headers: the key and the signature go in the body, as text/plain (no preflight).
  while (queue.length) {
    const batch = queue.slice(0, BATCH_SIZE);
    const body = { events: batch, key: config.key };
    if (config.user.signature) body.signature = config.user.signature;
    const blob = new Blob([JSON.stringify(body)], { type: "text/plain;charset=UTF-8" });
    if (!navigator.sendBeacon(config.host + "/v1/events", blob)) break;
    queue = queue.slice(batch.length);
  }
  saveQueue();
}

// ---------------------------------------------------------------------------------------------------------------
// Deciding

function context() {
  const result = { page: location.pathname, url: location.href };
  const locale = config.locale || (navigator.language || undefined);
  if (locale) result.locale = locale;
  result.device = { platform: "web" };
  return result;
}

function userBody() {
  const user = { id: config.user.id };
  if (config.user.attributes && Object.keys(config.user.attributes).length) user.attributes = config.user.attributes;
  if (config.user.account && Object.keys(config.user.account).length) user.account = config.user.account;
  return user;
}

async function decide(launch) {
  if (!config) throw new Error("GuideKit.init must be called first");
  const seq = ++decideSeq;
  await flush().catch(() => {});
  const body = { user: userBody(), context: context() };
  if (launch) body.launch = launch;
  if (config.user.signature) body.signature = config.user.signature;
  let answer;
  try {
    answer = await post("/v1/decide", body);
  } catch (error) {
    fail(error.code || "decide_failed", `decide failed: ${error.message}`);
    return null;
  }
  if (seq !== decideSeq) return null; // a newer decision is on its way
  const decision = (answer && answer.decision) || null;
  emit("decision", { decision, decisionId: answer && answer.decisionId });
  render(decision, answer && answer.decisionId);
  return decision;
}

// ---------------------------------------------------------------------------------------------------------------
// The decision object, read defensively (Schemas/decision.schema.json)

function stepOf(decision) {
  return (decision && decision.step) || null;
}

function guideOf(decision) {
  if (!decision) return {};
  return { id: decision.guide, version: decision.version, name: decision.name };
}

function positionOf(step) {
  const position = (step && step.position) || {};
  return { index: Number(position.index) || 0, count: Number(position.count) || 1 };
}

function actionOf(button) {
  const action = button.action;
  if (typeof action === "string") return { type: action };
  return action || { type: "next" };
}

function bodyHTML(step) {
  return step.body_html || "";
}

function titleNode(step, id) {
  const heading = el("h2", { id });
  if (step.title_html) heading.append(safeFragment(step.title_html));
  else heading.textContent = step.title;
  return heading;
}

// ---------------------------------------------------------------------------------------------------------------
// Guide events

function guideEvent(type, extra) {
  if (!current || !current.decision) return null;
  const decision = current.decision;
  const guide = guideOf(decision);
  const step = stepOf(decision);
  const event = { type, guide: guide.id, version: guide.version };
  if (step && type !== "guide_started" && type !== "guide_completed") event.step = step.id;
  if (decision.variant) event.variant = decision.variant;
  if (current.decisionId) event.decision = current.decisionId;
  return enqueue(Object.assign(event, extra || {}));
}

async function advance(extra, type) {
  const decision = current && current.decision;
  if (!decision) return;
  const step = stepOf(decision);
  guideEvent("step_completed", extra);
  const position = positionOf(step);
  const last = step && position.index === position.count - 1 && !(extra && extra.goto);
  if (type === "complete" || last) {
    guideEvent("guide_completed");
    emit("complete", { guide: guideOf(decision).id, step: step && step.id });
  }
  teardown();
  await decide();
}

async function end(type) {
  const decision = current && current.decision;
  if (!decision) return;
  const step = stepOf(decision);
  const extra = {};
  if (type === "guide_snoozed") {
    const button = ((step && step.buttons) || []).find((b) => actionOf(b).type === "snooze");
    const duration = button && actionOf(button).duration;
    if (duration) extra.snooze = duration;
  }
  guideEvent(type, extra);
  emit("dismiss", { guide: guideOf(decision).id, step: step && step.id, snoozed: type === "guide_snoozed" });
  teardown();
  await flush().catch(() => {});
}

async function press(button, extra) {
  const action = actionOf(button);
  switch (action.type) {
    case "next":
      return advance(Object.assign({ action: "next" }, extra));
    case "complete":
      return advance(Object.assign({ action: "complete" }, extra), "complete");
    case "back":
    case "back": {
      // The step the user came from, as this browser drew it; the server moves the guide there on its view.
      const previous = previousStep();
      if (!previous) return undefined;
      moveTo(previous, null);
      teardown();
      return decide();
    }
    case "goto":
      moveTo(action.step, Object.assign({ action: "goto" }, extra));
      teardown();
      return decide();
    case "dismiss":
      return end("guide_dismissed");
    case "snooze":
      return end("guide_snoozed");
    case "url": {
      const href = safeHref(action.url);
      if (href !== null) window.open(href, "_blank", "noopener,noreferrer");
      return undefined;
    }
    default:
      fail("unknown_action", `button action '${action.type}' is not known to this SDK version`);
      return undefined;
  }
}

// The steps of each guide this browser drew, in order, so *back* returns to the step the user came from.

function pathKey(guide) {
  return `guidekit:path:${config.user.id}:${guide}`;
}

function stepPath(guide) {
  try {
    const path = JSON.parse(sessionStorage.getItem(pathKey(guide)) || "[]");
    return Array.isArray(path) ? path.filter((id) => typeof id === "string") : [];
  } catch (_) {
    return [];
  }
}

function rememberStep(guide, step) {
  const path = stepPath(guide);
  const at = path.lastIndexOf(step);
  const next = at >= 0 ? path.slice(0, at + 1) : path.concat([step]).slice(-50);
  try {
    sessionStorage.setItem(pathKey(guide), JSON.stringify(next));
  } catch (_) {
    // without storage, back is offered only within this page
  }
}

function previousStep(decision) {
  const shown = decision || (current && current.decision);
  const step = stepOf(shown);
  if (!step) return null;
  const path = stepPath(guideOf(shown).id);
  const at = path.lastIndexOf(step.id);
  if (at < 0) return path.length ? path[path.length - 1] : null; // drawn before it is remembered
  return at > 0 ? path[at - 1] : null;
}

/** Reports the move to another step (back, goto) as its view; the next decision shows it. */
function moveTo(stepId, extra) {
  const decision = current && current.decision;
  if (!decision || !stepId) return;
  if (extra) guideEvent("step_completed", extra);
  const event = guideEvent("step_viewed");
  if (event) event.step = stepId;
  saveQueue();
  pendingView = `${guideOf(decision).id}/${stepId}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const STYLE = `
:host { all: initial; }
* { box-sizing: border-box; }
.gk {
  --gk-bg: #ffffff; --gk-fg: #1b1f24; --gk-muted: #5b6470; --gk-accent: #3b5bdb; --gk-accent-fg: #ffffff;
  --gk-border: #d8dde3; --gk-radius: 10px; --gk-shadow: 0 10px 30px rgba(15, 23, 42, .22);
  --gk-font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans JP", sans-serif;
  font: 14px/1.5 var(--gk-font); color: var(--gk-fg);
}
.card { background: var(--gk-bg); color: var(--gk-fg); border: 1px solid var(--gk-border);
  border-radius: var(--gk-radius); box-shadow: var(--gk-shadow); padding: 16px 18px; max-width: 360px; }
.card:focus { outline: none; }
h2 { font-size: 16px; margin: 0 0 6px; line-height: 1.3; }
.body p { margin: 0 0 8px; }
.body a { color: var(--gk-accent); }
.body code { background: #f1f3f5; padding: 0 4px; border-radius: 4px; }
.buttons { display: flex; flex-wrap: wrap; gap: 8px; justify-content: flex-end; margin-top: 12px; }
button { font: inherit; cursor: pointer; border-radius: 7px; padding: 6px 12px; border: 1px solid var(--gk-border);
  background: transparent; color: var(--gk-fg); }
button.primary { background: var(--gk-accent); color: var(--gk-accent-fg); border-color: var(--gk-accent); }
button:focus-visible { outline: 2px solid var(--gk-accent); outline-offset: 2px; }
.progress { color: var(--gk-muted); font-size: 12px; margin-right: auto; align-self: center; }
dialog { border: none; padding: 0; background: transparent; max-width: min(480px, calc(100vw - 32px)); }
dialog .card { max-width: none; }
dialog::backdrop { background: rgba(15, 23, 42, .45); }
.floating { position: fixed; margin: 0; border: none; padding: 0; background: transparent; overflow: visible;
  inset: auto; }
.arrow { position: absolute; width: 12px; height: 12px; background: var(--gk-bg); border: 1px solid var(--gk-border);
  transform: rotate(45deg); }
.banner { position: fixed; left: 0; right: 0; top: 0; display: flex; align-items: center; gap: 16px; padding: 10px 16px;
  background: var(--gk-accent); color: var(--gk-accent-fg); box-shadow: var(--gk-shadow); }
.banner .body { flex: 1; }
.banner h2 { display: inline; font-size: 14px; margin-right: 8px; }
.banner .body p { display: inline; margin: 0; }
.banner .buttons { margin: 0; }
.banner button { color: var(--gk-accent-fg); border-color: rgba(255,255,255,.6); }
.banner button.primary { background: var(--gk-accent-fg); color: var(--gk-accent); }
.card.dock { position: fixed; right: 20px; bottom: 20px; width: min(340px, calc(100vw - 40px)); box-sizing: border-box; }
.items { list-style: none; padding: 0; margin: 10px 0 0; }
.items li { display: flex; gap: 8px; align-items: center; padding: 5px 0; }
.tick { width: 18px; height: 18px; border-radius: 50%; border: 2px solid var(--gk-border); flex: none;
  display: inline-flex; align-items: center; justify-content: center; font-size: 11px; color: var(--gk-accent-fg); }
li.done .tick { background: var(--gk-accent); border-color: var(--gk-accent); }
li.done .label { text-decoration: line-through; color: var(--gk-muted); }
.bar { height: 6px; background: #e9ecef; border-radius: 3px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--gk-accent); }
.scale { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.scale button { min-width: 34px; padding: 6px 8px; }
.scale button[aria-pressed="true"] { background: var(--gk-accent); color: var(--gk-accent-fg); }
.scale-labels { display: flex; justify-content: space-between; color: var(--gk-muted); font-size: 12px; }
.beacon { position: fixed; width: 18px; height: 18px; border-radius: 50%; background: var(--gk-accent);
  border: 3px solid var(--gk-bg); box-shadow: 0 0 0 0 rgba(59, 91, 219, .6); padding: 0;
  animation: gk-pulse 1.6s infinite; }
@keyframes gk-pulse { 0% { box-shadow: 0 0 0 0 rgba(59,91,219,.6); } 70% { box-shadow: 0 0 0 14px rgba(59,91,219,0); }
  100% { box-shadow: 0 0 0 0 rgba(59,91,219,0); } }
@media (prefers-reduced-motion: reduce) { .beacon { animation: none; } * { transition: none !important; } }
.close { position: absolute; top: 8px; right: 8px; border: none; padding: 2px 8px; font-size: 18px; line-height: 1;
  color: var(--gk-muted); }
.rel { position: relative; }
`;

function ensureRoot() {
  if (host && host.isConnected) return root;
  host = document.createElement("guidekit-root");
  host.setAttribute("data-guidekit", VERSION);
  host.style.cssText = `position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: ${config.zIndex};`;
  root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = STYLE + (config.theme ? themeCSS(config.theme) : "");
  root.append(style);
  document.documentElement.append(host);
  return root;
}

function themeCSS(theme) {
  const lines = [];
  for (const [name, value] of Object.entries(theme)) {
    if (!/^[a-z-]+$/.test(name) || /[;{}<>]/.test(String(value))) continue;
    lines.push(`--gk-${name}: ${value};`);
  }
  return `.gk { ${lines.join(" ")} }`;
}

function teardown() {
  if (!current || !current.view) {
    if (current) current = null;
    return;
  }
  const view = current.view;
  current = null;
  for (const cleanup of view.cleanups) {
    try {
      cleanup();
    } catch (_) {
      // a cleanup never stops the others
    }
  }
  if (view.node && view.node.isConnected) view.node.remove();
  if (view.restoreFocus && lastFocus && document.contains(lastFocus)) {
    try {
      lastFocus.focus();
    } catch (_) {
      // the element may no longer be focusable
    }
  }
  lastFocus = null;
}

function sameStep(a, b) {
  if (!a || !b) return false;
  const sa = stepOf(a);
  const sb = stepOf(b);
  return guideOf(a).id === guideOf(b).id && sa && sb && sa.id === sb.id && guideOf(a).version === guideOf(b).version;
}

function render(decision, decisionId) {
  if (current && decision && sameStep(current.decision, decision)) {
    // The same step: refresh what may have changed (checklist items tick as the server reports them done).
    current.decision = decision;
    current.decisionId = decisionId || current.decisionId;
    if (current.view && current.view.update) current.view.update(decision);
    return;
  }
  teardown();
  if (!decision || !stepOf(decision)) return;
  current = { decision, decisionId, view: null, viewedBefore: pendingView };
  pendingView = null;
  const step = stepOf(decision);
  const token = current;
  const draw = (target) => {
    if (current !== token) return;
    try {
      token.view = drawStep(decision, target);
    } catch (error) {
      fail("render_failed", `drawing step '${step.id}' failed: ${error.message}`);
      return;
    }
    const guide = guideOf(decision);
    if (!decision.resumes && !token.started) {
      token.started = true;
      guideEvent("guide_started");
    }
    rememberStep(guide.id, step.id);
    const key = `${guide.id}/${step.id}`;
    if (token.viewedBefore !== key) guideEvent("step_viewed");
    emit("step", { guide: guide.id, version: guide.version, step: step.id, kind: step.kind, decision });
  };
  const needsTarget = (step.kind === "tooltip" || step.kind === "hotspot") && step.target;
  if (!needsTarget) return draw(null);
  waitForTarget(step.target, config.targetTimeout, token, (target) => {
    if (target) return draw(target);
    if (current !== token) return;
    guideEvent("step_target_missing", { target: step.target, timeout: config.targetTimeout, page: location.pathname });
    fail("target_missing", `step '${step.id}' of '${guideOf(decision).id}': no element matches '${step.target}'`);
    current = null;
    flush().catch(() => {});
  });
}

function query(selector) {
  try {
    return document.querySelector(selector);
  } catch (_) {
    return null; // an invalid selector never matches
  }
}

function visible(node) {
  if (!node || !node.isConnected) return false;
  const rect = node.getBoundingClientRect();
  return rect.width > 0 || rect.height > 0;
}

function waitForTarget(selector, timeout, token, done) {
  const found = query(selector);
  if (visible(found)) return done(found);
  let finished = false;
  const finish = (node) => {
    if (finished) return;
    finished = true;
    observer.disconnect();
    clearTimeout(timer);
    done(node);
  };
  const observer = new MutationObserver(() => {
    if (current !== token) return finish(undefined);
    const node = query(selector);
    if (visible(node)) finish(node);
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
  const timer = setTimeout(() => finish(current === token ? null : undefined), timeout);
  return undefined;
}

function buttonRow(decision, step, options) {
  const row = el("div", { class: "buttons" });
  const canGoBack = Boolean(previousStep(decision));
  const position = positionOf(step);
  if (options && options.progress && position.count > 1) {
    row.append(el("span", { class: "progress", text: `${position.index + 1} / ${position.count}` }));
  }
  const buttons = step.buttons || [];
  // The primary button: the first that moves the guide forward (guides list their main action first).
  const forward = buttons.findIndex((b) => ["next", "complete", "goto"].includes(actionOf(b).type));
  const primaryIndex = forward >= 0 ? forward : 0;
  buttons.forEach((button, i) => {
    const action = actionOf(button);
    if (action.type === "back" && !canGoBack) return;
    row.append(
      el("button", {
        type: "button",
        class: i === primaryIndex ? "primary" : null,
        "data-action": action.type,
        text: button.text || button.label,
        onclick: () => press(button, options && options.extra ? options.extra() : undefined),
      }),
    );
  });
  if (!buttons.length && step.kind !== "checklist" && step.kind !== "survey" && !step.advance_on) {
    row.append(el("button", { type: "button", class: "primary", "data-action": "next", text: "OK",
      onclick: () => press({ action: "next" }) }));
  }
  return row;
}

function content(decision, step, idBase) {
  const parts = [];
  if (step.title) parts.push(titleNode(step, `${idBase}-title`));
  const html = bodyHTML(step);
  if (html) {
    const body = el("div", { class: "body", id: `${idBase}-body` });
    body.append(safeFragment(html));
    parts.push(body);
  }
  return parts;
}

function drawStep(decision, target) {
  const step = stepOf(decision);
  const shadow = ensureRoot();
  const view = { node: null, cleanups: [], restoreFocus: false, update: null };
  const idBase = `gk-${String(step.id).replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  const wrapper = el("div", { class: "gk", "data-step": step.id, "data-kind": step.kind, "data-guide": guideOf(decision).id });
  view.node = wrapper;
  shadow.append(wrapper);
  switch (step.kind) {
    case "modal":
      drawModal(decision, step, wrapper, view, idBase);
      break;
    case "tooltip":
      drawTooltip(decision, step, wrapper, view, idBase, target);
      break;
    case "hotspot":
      drawHotspot(decision, step, wrapper, view, idBase, target);
      break;
    case "banner":
      drawBanner(decision, step, wrapper, view, idBase);
      break;
    case "checklist":
      drawChecklist(decision, step, wrapper, view, idBase);
      break;
    case "survey":
      drawSurvey(decision, step, wrapper, view, idBase);
      break;
    default:
      drawModal(decision, step, wrapper, view, idBase);
  }
  watchAdvance(step, view);
  const onKey = (event) => {
    if (event.key === "Escape" && current && current.view === view && step.kind !== "modal") {
      event.stopPropagation();
      press({ action: "dismiss" });
    }
  };
  document.addEventListener("keydown", onKey, true);
  view.cleanups.push(() => document.removeEventListener("keydown", onKey, true));
  return view;
}

function drawModal(decision, step, wrapper, view, idBase) {
  const dialog = el("dialog", {
    "aria-labelledby": step.title ? `${idBase}-title` : null,
    "aria-describedby": bodyHTML(step) ? `${idBase}-body` : null,
    "aria-label": step.title ? null : guideOf(decision).name || guideOf(decision).id,
  });
  const card = el("div", { class: "card rel", tabindex: "-1" }, content(decision, step, idBase));
  card.append(buttonRow(decision, step, { progress: true }));
  dialog.append(card);
  wrapper.append(dialog);
  lastFocus = document.activeElement;
  view.restoreFocus = true;
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Esc: the dismissal is ours to send
    press({ action: "dismiss" });
  });
  if (typeof dialog.showModal === "function") {
    dialog.showModal();
  } else {
    dialog.setAttribute("open", "");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.style.cssText = "position: fixed; top: 50%; left: 50%; transform: translate(-50%, -50%);";
  }
  const first = card.querySelector("button.primary") || card.querySelector("button") || card;
  first.focus();
  view.cleanups.push(() => {
    if (dialog.open && typeof dialog.close === "function") dialog.close();
  });
}

function floating(wrapper) {
  const layer = el("div", { class: "floating" });
  if (typeof layer.showPopover === "function") layer.setAttribute("popover", "manual");
  wrapper.append(layer);
  if (typeof layer.showPopover === "function") {
    try {
      layer.showPopover();
    } catch (_) {
      layer.removeAttribute("popover");
    }
  }
  return layer;
}

const SIDES = ["top", "bottom", "left", "right"];
const OPPOSITE = { top: "bottom", bottom: "top", left: "right", right: "left" };

/** Places `box` beside `rect` on the preferred side, flipping and shifting to stay in the viewport. */
function place(rect, box, preferred, gap) {
  const vw = document.documentElement.clientWidth || innerWidth;
  const vh = document.documentElement.clientHeight || innerHeight;
  const margin = 8;
  const sides = [];
  const first = SIDES.includes(preferred) ? preferred : "bottom";
  sides.push(first, OPPOSITE[first]);
  for (const side of ["bottom", "top", "right", "left"]) if (!sides.includes(side)) sides.push(side);
  const fits = (side) => {
    if (side === "top") return rect.top - gap - box.height >= margin;
    if (side === "bottom") return rect.bottom + gap + box.height <= vh - margin;
    if (side === "left") return rect.left - gap - box.width >= margin;
    return rect.right + gap + box.width <= vw - margin;
  };
  const side = sides.find(fits) || first;
  let top;
  let left;
  if (side === "top" || side === "bottom") {
    top = side === "top" ? rect.top - gap - box.height : rect.bottom + gap;
    left = rect.left + rect.width / 2 - box.width / 2;
  } else {
    left = side === "left" ? rect.left - gap - box.width : rect.right + gap;
    top = rect.top + rect.height / 2 - box.height / 2;
  }
  left = Math.max(margin, Math.min(left, vw - margin - box.width));
  top = Math.max(margin, Math.min(top, vh - margin - box.height));
  return { side, top, left };
}

function follow(target, layer, view, reposition) {
  let frame = 0;
  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      reposition();
    });
  };
  addEventListener("scroll", schedule, { capture: true, passive: true });
  addEventListener("resize", schedule, { passive: true });
  let resizeObserver = null;
  if (typeof ResizeObserver === "function") {
    resizeObserver = new ResizeObserver(schedule);
    resizeObserver.observe(target);
    resizeObserver.observe(layer);
  }
  // The app may replace the target (a re-render): find it again by its selector.
  const step = stepOf(current && current.decision);
  const selector = step && step.target;
  const observer = new MutationObserver(() => {
    if (!target.isConnected && selector) {
      const again = query(selector);
      if (again) {
        target = again;
        view.target = again;
        if (resizeObserver) resizeObserver.observe(again);
      }
    }
    schedule();
  });
  observer.observe(document.body || document.documentElement, { childList: true, subtree: true });
  view.cleanups.push(() => {
    removeEventListener("scroll", schedule, { capture: true });
    removeEventListener("resize", schedule);
    if (resizeObserver) resizeObserver.disconnect();
    observer.disconnect();
    if (frame) cancelAnimationFrame(frame);
  });
  view.target = target;
  reposition();
}

function tooltipCard(decision, step, idBase, onClose) {
  const card = el("div", {
    class: "card rel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": step.title ? `${idBase}-title` : null,
    "aria-describedby": bodyHTML(step) ? `${idBase}-body` : null,
    tabindex: "-1",
  });
  card.append(
    el("button", { type: "button", class: "close", "aria-label": "Close", text: "×", onclick: onClose }),
    ...content(decision, step, idBase),
    buttonRow(decision, step, { progress: true }),
  );
  return card;
}

function drawTooltip(decision, step, wrapper, view, idBase, target) {
  const layer = floating(wrapper);
  const arrow = el("div", { class: "arrow" });
  const card = tooltipCard(decision, step, idBase, () => press({ action: "dismiss" }));
  layer.append(arrow, card);
  const reposition = () => {
    const rect = (view.target || target).getBoundingClientRect();
    const box = layer.getBoundingClientRect();
    const spot = place(rect, { width: box.width, height: box.height }, step.placement, 12);
    layer.style.top = `${Math.round(spot.top)}px`;
    layer.style.left = `${Math.round(spot.left)}px`;
    layer.dataset.side = spot.side;
    const horizontal = spot.side === "top" || spot.side === "bottom";
    arrow.style.cssText = "";
    if (horizontal) {
      const x = Math.max(12, Math.min(rect.left + rect.width / 2 - spot.left - 6, box.width - 24));
      arrow.style.left = `${x}px`;
      arrow.style[spot.side === "top" ? "bottom" : "top"] = "-6px";
    } else {
      const y = Math.max(12, Math.min(rect.top + rect.height / 2 - spot.top - 6, box.height - 24));
      arrow.style.top = `${y}px`;
      arrow.style[spot.side === "left" ? "right" : "left"] = "-6px";
    }
  };
  follow(target, layer, view, reposition);
  if (target.scrollIntoView && !inViewport(target.getBoundingClientRect())) {
    target.scrollIntoView({ block: "center", behavior: reducedMotion() ? "auto" : "smooth" });
  }
}

function inViewport(rect) {
  return rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight && rect.right <= innerWidth;
}

function drawHotspot(decision, step, wrapper, view, idBase, target) {
  const layer = floating(wrapper);
  const beacon = el("button", {
    type: "button",
    class: "beacon",
    "aria-label": step.title || "Open tip",
    "aria-expanded": "false",
  });
  layer.append(beacon);
  let open = null;
  const reposition = () => {
    const rect = (view.target || target).getBoundingClientRect();
    layer.style.top = `${Math.round(rect.top - 6)}px`;
    layer.style.left = `${Math.round(rect.right - 12)}px`;
    if (open) {
      const box = open.getBoundingClientRect();
      const spot = place(rect, { width: box.width, height: box.height }, step.placement, 16);
      open.style.top = `${Math.round(spot.top - (rect.top - 6))}px`;
      open.style.left = `${Math.round(spot.left - (rect.right - 12))}px`;
    }
  };
  beacon.addEventListener("click", () => {
    if (open) {
      open.remove();
      open = null;
      beacon.setAttribute("aria-expanded", "false");
      return;
    }
    open = tooltipCard(decision, step, idBase, () => press({ action: "dismiss" }));
    open.style.position = "absolute";
    open.style.width = "320px";
    layer.append(open);
    beacon.setAttribute("aria-expanded", "true");
    reposition();
    const first = open.querySelector(".buttons button") || open;
    first.focus();
  });
  follow(target, layer, view, reposition);
}

function drawBanner(decision, step, wrapper, view, idBase) {
  const bar = el("div", { class: "banner", role: "region", "aria-label": step.title || guideOf(decision).id });
  const text = el("div", { class: "body" });
  if (step.title) text.append(titleNode(step, `${idBase}-title`));
  const html = bodyHTML(step);
  if (html) text.append(safeFragment(html));
  bar.append(text, buttonRow(decision, step, {}));
  const layer = floating(wrapper);
  layer.style.cssText = "top: 0; left: 0; right: 0;";
  layer.append(bar);
  if (step.placement === "bottom") {
    bar.style.top = "auto";
    bar.style.bottom = "0";
  }
}

function itemsOf(step) {
  return (step.items || []).map((item) => ({
    id: item.id,
    label: item.label,
    done: Boolean(item.done),
    required: item.required !== false,
  }));
}

function drawChecklist(decision, step, wrapper, view, idBase) {
  const layer = floating(wrapper);
  const card = el("section", {
    class: "card rel dock",
    role: "region",
    "aria-labelledby": step.title ? `${idBase}-title` : null,
  });
  const list = el("ul", { class: "items" });
  const bar = el("div", { class: "bar", role: "progressbar", "aria-valuemin": "0" }, [el("span")]);
  const fill = (items) => {
    list.replaceChildren(
      ...items.map((item) =>
        el("li", { class: item.done ? "done" : null, "data-item": item.id }, [
          el("span", { class: "tick", "aria-hidden": "true", text: item.done ? "✓" : "" }),
          el("span", { class: "label", text: item.label }),
          el("span", { class: "sr", style: "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)",
            text: item.done ? " (done)" : " (to do)" }),
        ]),
      ),
    );
    const done = items.filter((item) => item.done).length;
    bar.setAttribute("aria-valuemax", String(items.length));
    bar.setAttribute("aria-valuenow", String(done));
    bar.firstChild.style.width = items.length ? `${Math.round((done / items.length) * 100)}%` : "0";
  };
  fill(itemsOf(step));
  card.append(
    el("button", { type: "button", class: "close", "aria-label": "Close", text: "×",
      onclick: () => press({ action: "snooze" }) }),
    ...content(decision, step, idBase),
    bar,
    list,
    buttonRow(decision, step, {}),
  );
  layer.append(card);
  view.update = (decision2) => fill(itemsOf(stepOf(decision2)));
}

function scaleValues(survey) {
  const scale = String((survey && survey.scale) || "");
  if (scale === "nps" || scale === "0-10") return { values: [...Array(11).keys()], low: "0", high: "10" };
  const range = /^(\d+)-(\d+)$/.exec(scale);
  if (range) {
    const from = Number(range[1]);
    const to = Math.min(Number(range[2]), from + 20);
    const values = [];
    for (let v = from; v <= to; v++) values.push(v);
    return { values };
  }
  return null;
}

function drawSurvey(decision, step, wrapper, view, idBase) {
  const survey = step.survey || { question: null, scale: null, choices: [] };
  const layer = floating(wrapper);
  const card = el("section", { class: "card rel dock", role: "dialog", "aria-modal": "false",
    "aria-labelledby": `${idBase}-q` });
  let answer = null;
  const group = el("div", { class: "scale", role: "group", "aria-labelledby": `${idBase}-q` });
  const choose = (value, button) => {
    answer = value;
    for (const other of group.querySelectorAll("button")) other.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-pressed", "true");
    submit.disabled = false;
  };
  const scale = scaleValues(survey);
  const options = scale ? scale.values : survey.choices || [];
  for (const value of options) {
    const button = el("button", { type: "button", "aria-pressed": "false", "data-value": String(value), text: String(value) });
    button.addEventListener("click", () => choose(value, button));
    group.append(button);
  }
  const submit = el("button", { type: "button", class: "primary", "data-action": "answer", text: "Send", disabled: true,
    onclick: () => answer !== null && press({ action: "next" }, { answer }) });
  card.append(
    el("button", { type: "button", class: "close", "aria-label": "Close", text: "×",
      onclick: () => press({ action: "dismiss" }) }),
    ...(step.title ? [titleNode(step, `${idBase}-title`)] : []),
    el("p", { id: `${idBase}-q`, text: survey.question || "" }),
    group,
  );
  if (scale && scale.low) {
    card.append(el("div", { class: "scale-labels" }, [el("span", { text: "Not likely" }), el("span", { text: "Very likely" })]));
  }
  const row = buttonRow(decision, step, { extra: () => (answer !== null ? { answer } : {}) });
  row.append(submit);
  card.append(row);
  layer.append(card);
}

// ---------------------------------------------------------------------------------------------------------------
// advance_on: clicks and pages the SDK watches; product events are the server's (it moves steps awaiting them).

function advanceRules(step) {
  const raw = step.advance_on;
  if (!raw) return [];
  return Array.isArray(raw) ? raw : [raw];
}

function watchAdvance(step, view) {
  for (const rule of advanceRules(step)) {
    const kind = rule.kind || (rule.click ? "click" : rule.page ? "page" : rule.event ? "event" : null);
    if (kind === "click") {
      const selector = rule.click;
      const onClick = (event) => {
        const origin = event.composedPath ? event.composedPath()[0] : event.target;
        if (origin && origin.closest && safeClosest(origin, selector)) advance({ action: "advance_on" });
      };
      document.addEventListener("click", onClick, true);
      view.cleanups.push(() => document.removeEventListener("click", onClick, true));
    } else if (kind === "page") {
      view.pageGlob = rule.page;
    }
  }
}

function safeClosest(node, selector) {
  try {
    return node.closest(selector);
  } catch (_) {
    return null;
  }
}

/** `*` matches within one path segment, `**` any number of segments (as the server's `$glob`). */
function globMatches(glob, path) {
  // Linear-time matching: a set of pattern positions advanced byte by byte (no backtracking).
  const tokens = [];
  for (let i = 0; i < glob.length; ) {
    if (glob[i] === "*") {
      let end = i;
      while (glob[end] === "*") end++;
      if (end - i >= 2) {
        if (glob[end] === "/") {
          tokens.push({ t: "segments" });
          i = end + 1;
        } else {
          tokens.push({ t: "anything" });
          i = end;
        }
      } else {
        tokens.push({ t: "segment" });
        i = end;
      }
    } else {
      tokens.push({ t: "char", c: glob[i] });
      i++;
    }
  }
  const closure = (set) => {
    const out = new Set(set);
    const stack = [...set];
    while (stack.length) {
      const p = stack.pop();
      const token = tokens[p];
      if (token && token.t !== "char" && !out.has(p + 1)) {
        out.add(p + 1);
        stack.push(p + 1);
      }
    }
    return out;
  };
  let states = closure(new Set([0]));
  for (const ch of path) {
    const next = new Set();
    for (const p of states) {
      const token = tokens[p];
      if (!token) continue;
      if (token.t === "char" && token.c === ch) next.add(p + 1);
      else if (token.t === "segment" && ch !== "/") next.add(p);
      else if (token.t === "anything") next.add(p);
      else if (token.t === "segments") {
        // inside `**/`: any bytes, and a `/` may end the run of segments
        next.add(p);
        if (ch === "/") next.add(p + 1);
      }
    }
    states = closure(next);
    if (!states.size) return false;
  }
  return states.has(tokens.length);
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

function onPageChange() {
  if (!config) return;
  const path = location.pathname + location.hash;
  if (path === lastPage) return;
  lastPage = path;
  page();
}

function patchHistory() {
  if (historyPatched) return;
  historyPatched = true;
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function patched(...args) {
      const result = original.apply(this, args);
      queueMicrotask(onPageChange);
      return result;
    };
  }
  addEventListener("popstate", onPageChange);
  addEventListener("hashchange", onPageChange);
  addEventListener("pagehide", beaconFlush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") beaconFlush();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The public API

function checkUser(user) {
  if (!user || typeof user !== "object") throw new TypeError("GuideKit: user must be an object {id, attributes?, signature?}");
  if (typeof user.id !== "string" || !user.id) throw new TypeError("GuideKit: user.id must be a non-empty string");
  for (const part of ["attributes", "account"]) {
    if (user[part] !== undefined && (typeof user[part] !== "object" || user[part] === null || Array.isArray(user[part]))) {
      throw new TypeError(`GuideKit: user.${part} must be an object`);
    }
  }
}

/**
 * Starts the SDK for a user and shows what the server decides for the current page.
 * @param {{host: string, key: string, user: {id: string, attributes?: object, account?: object, signature?: string},
 *   locale?: string, targetTimeout?: number, zIndex?: number, theme?: object, autoPage?: boolean}} options
 * @returns {Promise<object|null>} the decision
 */
function init(options) {
  if (!options || typeof options.host !== "string") throw new TypeError("GuideKit.init: host is required");
  checkUser(options.user);
  teardown();
  config = {
    host: options.host.replace(/\/+$/, ""),
    key: options.key || "",
    user: Object.assign({}, options.user),
    locale: options.locale,
    targetTimeout: Number.isFinite(options.targetTimeout) ? options.targetTimeout : DEFAULT_TARGET_TIMEOUT,
    zIndex: Number.isFinite(options.zIndex) ? options.zIndex : DEFAULT_Z_INDEX,
    theme: options.theme,
    autoPage: options.autoPage !== false,
  };
  queue = loadQueue();
  if (config.autoPage) patchHistory();
  lastPage = location.pathname + location.hash;
  return decide();
}

/**
 * Changes or updates the user: a new id starts over; attributes are merged and sent to the server.
 * @param {{id: string, attributes?: object, signature?: string}} user
 */
async function identify(user) {
  if (!config) throw new Error("GuideKit.init must be called first");
  checkUser(user);
  if (user.id !== config.user.id) {
    await flush().catch(() => {});
    teardown();
    config.user = Object.assign({}, user);
    queue = loadQueue();
  } else {
    config.user = Object.assign({}, config.user, user, {
      attributes: Object.assign({}, config.user.attributes, user.attributes),
      account: Object.assign({}, config.user.account, user.account),
    });
  }
  if (user.attributes || user.account) {
    const body = { user: { id: config.user.id, attributes: user.attributes } };
    if (user.account) body.user.account = user.account;
    if (config.user.signature) body.signature = config.user.signature;
    try {
      await post("/v1/identify", body);
    } catch (error) {
      fail(error.code || "identify_failed", `identify failed: ${error.message}`);
    }
  }
  return decide();
}

/** Tells the SDK the page changed (called by itself on history changes) and shows what fits the new page. */
function page() {
  if (!config) throw new Error("GuideKit.init must be called first");
  const path = location.pathname;
  const glob = current && current.view && current.view.pageGlob;
  if (glob && globMatches(glob, path)) return advance({ action: "advance_on", page: path });
  return decide();
}

/**
 * Records a product event (`events.<name>` in targeting; moves steps waiting for it), then decides again.
 * @param {string} event the event name
 * @param {object} [properties]
 */
function track(event, properties) {
  if (!config) throw new Error("GuideKit.init must be called first");
  if (typeof event !== "string" || !event) throw new TypeError("GuideKit.track: event must be a non-empty string");
  const record = { type: "track", event };
  if (properties && typeof properties === "object") record.properties = properties;
  enqueue(record);
  return decide();
}

/** Shows a guide by hand (a help menu, "show me again"), if its audience, status and schedule allow. */
function show(guideId) {
  if (!config) throw new Error("GuideKit.init must be called first");
  if (typeof guideId !== "string" || !guideId) throw new TypeError("GuideKit.show: a guide id is required");
  teardown();
  return decide(guideId);
}

/** Dismisses the guide on screen, for good. */
function dismiss() {
  return end("guide_dismissed");
}

/** Forgets the user: closes what is shown and stops; call init again for the next user. */
function reset() {
  beaconFlush();
  teardown();
  if (host && host.isConnected) host.remove();
  host = null;
  root = null;
  config = null;
  queue = [];
  lastPage = null;
}

/**
 * Listens to `step`, `complete`, `dismiss`, `error` (and `decision`).
 * @returns {() => void} a function that stops listening
 */
function on(name, handler) {
  if (!listeners[name]) throw new TypeError(`GuideKit.on: unknown event '${name}'`);
  listeners[name].push(handler);
  return () => off(name, handler);
}

/** Stops listening. */
function off(name, handler) {
  const list = listeners[name];
  if (!list) return;
  const index = list.indexOf(handler);
  if (index >= 0) list.splice(index, 1);
}

const GuideKit = Object.freeze({
  version: VERSION,
  init,
  identify,
  page,
  track,
  show,
  dismiss,
  reset,
  on,
  off,
  flush,
  _internal: Object.freeze({ globMatches, safeFragment, place }),
});

export { GuideKit };
export default GuideKit;
