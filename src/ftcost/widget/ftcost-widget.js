// <ftcost-estimator>: what fine-tuning costs and when it pays, on one card.
//
// A dependency-free ES module (no build step, no eval, no inline styles). It talks only to the
// public ftcost endpoints: GET /v1/models, POST /v1/tokens/count, POST /v1/estimate.
//
// The card computes once the model list has arrived (never with an empty model); the method,
// training tiers, deployment types and regions it offers are the chosen model's.
//
//   <script type="module" src="https://ftcost.example/widget/ftcost-widget.js"></script>
//   <ftcost-estimator model="gpt-4.1-mini" requests-per-month="3000000"></ftcost-estimator>
//
// The API base defaults to the origin that served this file. Figures are formatted from the
// Projection the API returns; the element never computes a cost itself.

const SVG_NS = "http://www.w3.org/2000/svg";
const DEFAULT_DEBOUNCE_MS = 350;
const DEFAULT_MODEL = "gpt-4.1-mini";
const HOURS_PER_MONTH = 730;
const STATUS_NOTES = { existing_customers_only: "existing customers only", retiring: "retiring" };
const TIER_LABELS = { global: "Global", standard: "Standard (regional)", developer: "Developer" };
const METHOD_LABELS = { sft: "Supervised (SFT)", dpo: "Preference (DPO)", rft: "Reinforcement (RFT)" };
const PROVIDERS = [
  ["azure", "Azure OpenAI / Foundry"],
  ["openai", "OpenAI platform"],
];
const CUSTOMERS = [
  ["new", "New to fine-tuning this model"],
  ["existing", "Already fine-tunes this model"],
];
const RETRAIN = [
  ["", "Never (train once)"],
  ["1", "Every month"],
  ["3", "Every 3 months"],
  ["6", "Every 6 months"],
  ["12", "Every 12 months"],
];

// Every input of the card: id (also the data-testid suffix), the attribute and query parameter
// that set it, its default, and the Scenario paths whose problems are shown next to it.
// Selects marked `dynamic` take their options from the model list (GET /v1/models); until it
// arrives, the wanted value (attribute, query or default) is kept aside. `only` names the
// training method a field belongs to; it is hidden (and not sent) for the others.
const FIELDS = [
  { id: "provider", attr: "provider", label: "Provider", kind: "select", options: PROVIDERS, value: "azure", paths: ["provider"] },
  { id: "customer", attr: "customer", label: "Your organisation", kind: "select", options: CUSTOMERS, value: "new", paths: ["customer"] },
  { id: "model", attr: "model", label: "Model to fine-tune", kind: "select", dynamic: true, value: DEFAULT_MODEL, paths: ["model", "fine_tuned.model", "fine_tuned.deployment"] },
  { id: "method", attr: "method", label: "Fine-tuning method", kind: "select", dynamic: true, value: "sft", paths: ["training.method"] },
  { id: "base-model", attr: "base-model", label: "Base model (today)", kind: "select", dynamic: true, value: "", paths: ["base.model", "base.deployment", "base"] },
  { id: "tier", attr: "tier", label: "Training tier", kind: "select", dynamic: true, value: "global", paths: ["training.tier", "training"] },
  { id: "deployment", attr: "deployment", label: "Deployment type", kind: "select", dynamic: true, value: "global", paths: ["deployment.type", "deployment.count", "deployment.hours_per_month", "deployment"] },
  { id: "region", attr: "region", label: "Region", kind: "select", dynamic: true, value: "", paths: ["region"] },
  { id: "training-tokens", attr: "training-tokens", label: "Training tokens per epoch", kind: "number", value: "1000000", min: 0, step: 1, only: ["sft", "dpo"], paths: ["training.tokens_per_epoch", "training.examples", "training.runs"] },
  { id: "epochs", attr: "epochs", label: "Epochs", kind: "number", value: "3", min: 1, step: 1, only: ["sft", "dpo"], paths: ["training.epochs"] },
  { id: "rft-hours", attr: "rft-hours", label: "Training hours (RFT)", kind: "number", value: "10", min: 0, step: "any", only: ["rft"], paths: ["training.rft_hours"] },
  { id: "requests", attr: "requests-per-month", label: "Requests per month", kind: "number", value: "3000000", min: 0, step: 1, paths: ["traffic.requests_per_month", "traffic"] },
  { id: "base-prompt", attr: "base-prompt-tokens", label: "Base prompt tokens", kind: "number", value: "2500", min: 0, step: 1, paths: ["base.prompt_tokens", "base.cached_prompt_tokens", "base.prompt", "base.messages"], text: "base" },
  { id: "ft-prompt", attr: "fine-tuned-prompt-tokens", label: "Fine-tuned prompt tokens", kind: "number", value: "500", min: 0, step: 1, paths: ["fine_tuned.prompt_tokens", "fine_tuned.cached_prompt_tokens", "fine_tuned.prompt", "fine_tuned.messages", "fine_tuned"], text: "fine_tuned" },
  { id: "output", attr: "output-tokens", label: "Output tokens per request", kind: "number", value: "200", min: 1, step: 1, paths: ["base.output_tokens", "fine_tuned.output_tokens"] },
  { id: "horizon", attr: "horizon-months", label: "Horizon (months)", kind: "number", value: "12", min: 1, step: 1, paths: ["horizon_months"] },
  { id: "retrain", attr: "retrain-every-months", label: "Retraining", kind: "select", options: RETRAIN, value: "6", paths: ["retrain_every_months"] },
];
const FIELD_BY_ATTR = new Map(FIELDS.map((f) => [f.attr, f]));

// ---------------------------------------------------------------------------------------------
// Formatting (the README documents these rules; the browser tests re-implement them)

const fmtCache = new Map();
function nf(options) {
  const key = JSON.stringify(options);
  if (!fmtCache.has(key)) fmtCache.set(key, new Intl.NumberFormat("en-US", { useGrouping: true, ...options }));
  return fmtCache.get(key);
}

/** USD: 2 decimals from $0.995 up (and for 0), else 3 significant digits ($0.000840). */
export function formatUsd(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  const digits = abs === 0 || abs >= 0.995
    ? nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(abs)
    : nf({ minimumSignificantDigits: 3, maximumSignificantDigits: 3 }).format(abs);
  return `${sign}$${digits}`;
}

/** Whole numbers with thousands separators. */
export function formatCount(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return nf({ maximumFractionDigits: 0 }).format(value);
}

/** Months: 1 decimal from 1 up, else 2 significant digits. */
export function formatMonths(value) {
  const abs = Math.abs(value);
  const n = abs >= 1 || abs === 0
    ? nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)
    : nf({ minimumSignificantDigits: 2, maximumSignificantDigits: 2 }).format(value);
  return `${n} ${n === "1.0" ? "month" : "months"}`;
}

/**
 * A duration given in months, in the unit a person reads: whole hours under two days, whole
 * days under two months, else months (as formatMonths). A month is 730 hours.
 */
export function formatDuration(months) {
  if (months === null || months === undefined || !Number.isFinite(months)) return "—";
  const hours = months * HOURS_PER_MONTH;
  if (hours < 1) return "under 1 hour";
  if (hours < 47.5) {
    const n = Math.round(hours);
    return `${n} ${n === 1 ? "hour" : "hours"}`;
  }
  const days = hours / 24;
  if (days < 59.5) return `${Math.round(days)} days`;
  return formatMonths(months);
}

/** Seconds with 2 decimals. */
export function formatSeconds(value) {
  return `${nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)} s`;
}

function formatUsdShort(value) {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `$${nf({ maximumFractionDigits: 1 }).format(value / 1e6)}M`;
  if (abs >= 1e3) return `$${nf({ maximumFractionDigits: 1 }).format(value / 1e3)}k`;
  return `$${nf({ maximumFractionDigits: abs < 10 ? 2 : 0 }).format(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Styles: a constructed stylesheet (allowed under a strict style-src), or a <style> fallback.

const CSS = `
:host {
  --_bg: var(--ftcost-bg, #ffffff);
  --_fg: var(--ftcost-fg, #1b1f24);
  --_muted: var(--ftcost-muted, #4a5260);
  --_border: var(--ftcost-border, #8a94a3);
  --_accent: var(--ftcost-accent, #0a58b5);
  --_accent-fg: var(--ftcost-accent-fg, #ffffff);
  --_error: var(--ftcost-error, #a4161a);
  --_warn-bg: var(--ftcost-warning-bg, #fff4d6);
  --_focus: var(--ftcost-focus, #0a58b5);
  --_radius: var(--ftcost-radius, 8px);
  --_base: var(--ftcost-base-color, #b4460a);
  --_ft: var(--ftcost-ft-color, #0a58b5);
  display: block;
  box-sizing: border-box;
  max-width: var(--ftcost-max-width, 56rem);
  min-width: 0;
  color: var(--_fg);
  background: var(--_bg);
  font-family: var(--ftcost-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--ftcost-font-size, 1rem);
  line-height: 1.4;
}
:host([hidden]), [hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
.card { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1rem; min-width: 0; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin: 0 0 .75rem; }
h3 { font-size: 1em; margin: 1rem 0 .5rem; }
form { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 13rem), 1fr)); gap: .75rem 1rem; align-items: start; }
.field { display: flex; flex-direction: column; gap: .25rem; min-width: 0; }
label { font-weight: 600; font-size: .9em; }
input, select, textarea, button { font: inherit; color: inherit; min-width: 0; max-width: 100%; }
input, select, textarea { width: 100%; padding: .4rem .5rem; border: 1px solid var(--_border); border-radius: calc(var(--_radius) / 2); background: var(--_bg); }
textarea { min-height: 4.5rem; resize: vertical; }
details { font-size: .9em; }
summary { cursor: pointer; color: var(--_accent); padding: .15rem 0; }
.count-row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-top: .25rem; }
button { cursor: pointer; border: 1px solid var(--_accent); border-radius: calc(var(--_radius) / 2); padding: .4rem .9rem; background: var(--_bg); color: var(--_accent); font-weight: 600; }
button.primary { background: var(--_accent); color: var(--_accent-fg); }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
[aria-invalid="true"] { border-color: var(--_error); border-width: 2px; }
.field-error, .top-error { color: var(--_error); font-size: .9em; }
.field-error:empty, .top-error:empty { display: none; }
.top-error { border: 1px solid var(--_error); border-radius: calc(var(--_radius) / 2); padding: .5rem; margin: 0 0 .75rem; }
.actions { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; grid-column: 1 / -1; }
.status { color: var(--_muted); font-size: .9em; }
.results[data-state="stale"] .figures dd { color: var(--_muted); text-decoration: line-through; text-decoration-thickness: 1px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr)); gap: .5rem 1rem; margin: 0; }
.figure { border-top: 1px solid var(--_border); padding-top: .4rem; min-width: 0; }
.figure dt { color: var(--_muted); font-size: .85em; }
.figure dd { margin: 0; font-size: 1.15em; font-weight: 650; font-variant-numeric: tabular-nums; }
.figure .sub { display: block; font-size: .8em; font-weight: 400; color: var(--_muted); }
.never { color: var(--_error); }
table { border-collapse: collapse; width: 100%; font-size: .9em; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .25rem .4rem .25rem 0; border-bottom: 1px solid var(--_border); vertical-align: top; }
.table-wrap { overflow-x: auto; }
th { overflow-wrap: normal; }
thead th + th { white-space: nowrap; }
td .range { display: block; font-size: .85em; color: var(--_muted); }
.warnings { margin: .5rem 0 0; padding: 0; list-style: none; }
.warnings li { background: var(--_warn-bg); color: var(--_fg); border-radius: calc(var(--_radius) / 2); padding: .35rem .5rem; margin: .25rem 0; font-size: .9em; }
.chart-wrap { margin: 1rem 0 0; min-width: 0; }
svg.chart { display: block; width: 100%; height: auto; }
.chart .axis, .chart .tick line { stroke: var(--_muted); stroke-width: 1; }
.chart .end line { stroke: var(--_muted); stroke-width: 1.5; }
.chart .end text { fill: var(--_muted); font-size: 12px; }
.chart .grid { stroke: var(--_border); stroke-width: .5; stroke-dasharray: 2 3; }
.chart text { fill: var(--_fg); font-size: 12px; font-family: inherit; }
.chart .line { fill: none; stroke-width: 2.5; stroke-linejoin: round; }
.chart .line-base { stroke: var(--_base); }
.chart .line-ft { stroke: var(--_ft); stroke-dasharray: 7 4; }
.chart .crossing circle { fill: var(--_bg); stroke: var(--_fg); stroke-width: 2.5; }
.chart .crossing line { stroke: var(--_fg); stroke-width: 1; stroke-dasharray: 3 3; }
.chart .crossing text { font-weight: 700; paint-order: stroke; stroke: var(--_bg); stroke-width: 4px; stroke-linejoin: round; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .85em; margin: .25rem 0 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 1.5rem; height: 0; border-top: 3px solid var(--_base); vertical-align: middle; margin-right: .35rem; }
.swatch.ft { border-top: 3px dashed var(--_ft); }
.catalog { color: var(--_muted); font-size: .8em; margin: .75rem 0 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

let sharedSheet = null;
function adoptStyles(root) {
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } else {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.append(style);
  }
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (no innerHTML anywhere: text is always set as text)

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function s(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function get(obj, path) {
  return path.split(".").reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

function normalizePath(field) {
  return String(field || "")
    .replace(/^\$\.?/, "")
    .replace(/^body\./, "")
    .replace(/\[(\d+)\]/g, ".$1");
}

// ---------------------------------------------------------------------------------------------
// The element

export class FtcostEstimator extends HTMLElement {
  static get observedAttributes() {
    return ["api-base", ...FIELDS.map((f) => f.attr)];
  }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: "open" });
    adoptStyles(this._root);
    this._inputs = new Map();
    this._errors = new Map();
    this._wraps = new Map();
    this._timer = null;
    this._controller = null;
    this._seq = 0;
    this._models = [];
    this._modelsReady = false;
    this._wanted = new Map(FIELDS.filter((f) => f.dynamic).map((f) => [f.id, f.value]));
    this._projection = null;
    this._scenario = null;
    this._connected = false;
    this._build();
  }

  /** The Scenario of the last request sent (a plain object). */
  get scenario() { return this._scenario; }

  /** The Projection of the last successful estimate. */
  get projection() { return this._projection; }

  /** Where the API lives: the `api-base` attribute, else the origin that served this module. */
  get apiBase() {
    const attr = this.getAttribute("api-base");
    const base = attr ? new URL(attr, document.baseURI) : new URL("../", import.meta.url);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    return base;
  }

  connectedCallback() {
    if (this._connected) return;
    this._connected = true;
    for (const f of FIELDS) {
      if (this.hasAttribute(f.attr)) this._setValue(f, this.getAttribute(f.attr));
    }
    if (this.hasAttribute("from-query")) this._applyQuery();
    // The first estimate waits for the model list (compute() defers until it has arrived).
    this._loadModels();
  }

  disconnectedCallback() {
    this._connected = false;
    clearTimeout(this._timer);
    this._timer = null;
    if (this._controller) this._controller.abort();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (!this._connected || oldValue === value) return;
    const f = FIELD_BY_ATTR.get(name);
    if (f) this._setValue(f, value ?? f.value);
    if (name === "provider" || name === "customer" || name === "api-base") this._loadModels();
    else this._schedule();
  }

  _applyQuery() {
    const params = new URLSearchParams(window.location.search);
    for (const f of FIELDS) {
      if (params.has(f.attr)) this._setValue(f, params.get(f.attr));
    }
  }

  _setValue(f, value) {
    const input = this._inputs.get(f.id);
    const v = value === null || value === undefined ? "" : String(value);
    if (f.dynamic) {
      this._wanted.set(f.id, v);
      if (this._modelsReady) this._applyModelChoices();
      return;
    }
    if (f.kind === "select" && ![...input.options].some((o) => o.value === v)) {
      input.append(h("option", { value: v, text: v || "(same as the fine-tuned model)" }));
    }
    input.value = v;
  }

  // -- building the card ----------------------------------------------------------------------

  _build() {
    const form = h("form", { part: "form", novalidate: true, "aria-describedby": "top-error" });
    for (const f of FIELDS) form.append(this._field(f));
    const compute = h("button", { type: "submit", className: "primary", part: "button", "data-testid": "compute", text: "Compute" });
    this._status = h("p", { className: "status", role: "status", "aria-live": "polite", "data-testid": "status" });
    form.append(h("div", { className: "actions" }, compute, this._status));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.compute();
    });
    const onSelect = (ev) => {
      const f = FIELDS.find((x) => x.id === ev.target.id);
      if (!f || f.kind !== "select") return false;
      if (f.dynamic) {
        // The person's choice: kept when another model offers it too.
        this._wanted.set(f.id, ev.target.value);
        this._applyModelChoices();
      }
      if (f.id === "provider" || f.id === "customer") this._loadModels();
      else this._schedule();
      return true;
    };
    form.addEventListener("input", (ev) => {
      if (ev.target.matches("textarea") || ev.target.matches("select")) return;
      this._schedule();
    });
    form.addEventListener("change", (ev) => {
      if (ev.target.matches("select")) onSelect(ev);
    });

    this._topError = h("div", { id: "top-error", className: "top-error", part: "error", role: "alert", "data-testid": "top-error" });
    this._results = h("section", { className: "results", part: "results", "aria-labelledby": "results-heading", "data-state": "empty", "data-testid": "results" });
    this._buildResults();

    const card = h("div", { className: "card", part: "card" },
      h("h2", { id: "title", part: "title", text: this.getAttribute("heading") || "Fine-tuning cost and break-even" }),
      this._topError,
      form,
      this._results,
    );
    this._root.append(card);
  }

  _field(f) {
    const errId = `${f.id}-error`;
    let input;
    if (f.kind === "select") {
      input = h("select", { id: f.id, name: f.id, part: "input", "data-testid": `input-${f.id}` },
        (f.options || []).map(([value, label]) => h("option", { value, text: label })));
    } else {
      input = h("input", {
        id: f.id, name: f.id, type: "number", inputmode: "numeric", min: f.min, step: f.step,
        part: "input", "data-testid": `input-${f.id}`,
      });
    }
    if (!f.dynamic) input.value = f.value;
    this._inputs.set(f.id, input);
    const err = h("p", { id: errId, className: "field-error", part: "field-error", "data-testid": `error-${f.id}`, "aria-live": "polite" });
    this._errors.set(f.id, err);
    const wrap = h("div", { className: "field", part: "field", "data-testid": `field-${f.id}` },
      h("label", { for: f.id, part: "label", text: f.label }), input, err);
    if (f.text) wrap.append(this._countBox(f));
    if (f.only) wrap.hidden = !f.only.includes("sft");
    this._wraps.set(f.id, wrap);
    return wrap;
  }

  _countBox(f) {
    const taId = `${f.id}-text`;
    const ta = h("textarea", { id: taId, name: taId, part: "input", "data-testid": `text-${f.id}`, "aria-describedby": `${f.id}-error` });
    const btn = h("button", { type: "button", part: "button", "data-testid": `count-${f.id}`, text: "Count tokens" });
    btn.addEventListener("click", () => this._countTokens(f, ta));
    return h("details", { part: "paste" },
      h("summary", { text: "…or paste the prompt text" }),
      h("label", { for: taId, text: `${f.label.replace(" tokens", "")} text` }),
      ta,
      h("div", { className: "count-row" }, btn));
  }

  _buildResults() {
    const fig = (id, label) => {
      const dd = h("dd", { "data-testid": id, part: `figure ${id}`, text: "—" });
      return [h("div", { className: "figure" }, h("dt", { text: label }), dd), dd];
    };
    const out = {};
    const items = [
      ["training-cost", "Training cost (per training cycle)"],
      ["hosting-monthly", "Hosting per month"],
      ["per-request-base", "Per request, base"],
      ["per-request-ft", "Per request, fine-tuned"],
      ["per-request-savings", "Saved per request"],
      ["net-savings", "Net savings per month"],
      ["break-even-volume", "Break-even volume"],
      ["payback", "Payback"],
    ];
    const dl = h("dl", { className: "figures" });
    for (const [id, label] of items) {
      const [div, dd] = fig(id, label);
      out[id] = dd;
      dl.append(div);
    }
    out["training-tokens"] = h("span", { className: "sub", "data-testid": "training-tokens" });
    out["break-even-reason"] = h("span", { className: "sub", "data-testid": "break-even-reason" });
    this._out = out;

    const lat = {};
    const cell = (id) => (lat[id] = h("td", { "data-testid": id, text: "—" }));
    const latency = h("div", { className: "table-wrap" },
      h("table", { "data-testid": "latency", part: "latency" },
        h("caption", { className: "sr-only", text: "Latency, median with the p10–p90 range" }),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", text: "Latency (p50, p10–p90)" }),
          h("th", { scope: "col", text: "Base" }),
          h("th", { scope: "col", text: "Fine-tuned" }))),
        h("tbody", {},
          h("tr", {}, h("th", { scope: "row", text: "First token" }), cell("latency-base-ttft"), cell("latency-ft-ttft")),
          h("tr", {}, h("th", { scope: "row", text: "Whole response" }), cell("latency-base-e2e"), cell("latency-ft-e2e")))));
    this._lat = lat;
    this._latChange = h("p", { className: "status", "data-testid": "latency-change" });
    this._latNote = h("p", { className: "status", "data-testid": "latency-note" });

    this._warnings = h("ul", { className: "warnings", part: "warnings", "data-testid": "warnings", "aria-label": "Warnings" });
    this._chartWrap = h("figure", { className: "chart-wrap", part: "chart", "data-testid": "chart" });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        const w = this._chartWrap.clientWidth;
        if (this._projection && this._chartWidth && Math.abs(Math.min(720, Math.max(280, w)) - this._chartWidth) > 24) {
          this._renderChart(this._projection);
        }
      }).observe(this._chartWrap);
    }
    this._catalog = h("p", { className: "catalog", "data-testid": "catalog" });

    this._results.append(
      h("h3", { id: "results-heading", text: "Results" }),
      dl,
      h("h3", { text: "Latency" }), latency, this._latChange, this._latNote,
      this._warnings,
      this._chartWrap,
      this._catalog,
    );
  }

  // -- talking to the API ---------------------------------------------------------------------

  async _fetchJson(path, init = {}) {
    const url = new URL(path, this.apiBase);
    let res;
    try {
      res = await fetch(url, {
        ...init,
        headers: { accept: "application/json, application/problem+json", ...(init.headers || {}) },
        credentials: "omit",
        mode: "cors",
      });
    } catch (err) {
      if (err && err.name === "AbortError") throw err;
      const e = new Error(
        `Could not reach the ftcost API at ${url.origin} (network error, or this page's origin ` +
        `is not allowed by the service's CORS settings).`);
      e.problem = { title: "API unreachable", detail: e.message, status: 0 };
      throw e;
    }
    let body = null;
    const type = res.headers.get("content-type") || "";
    if (type.includes("json")) {
      try { body = await res.json(); } catch { body = null; }
    }
    if (!res.ok) {
      const problem = body && typeof body === "object" ? body : {};
      const e = new Error(problem.detail || problem.title || `HTTP ${res.status}`);
      e.problem = { status: res.status, title: problem.title || `HTTP ${res.status}`, ...problem };
      throw e;
    }
    return body;
  }

  /** Fetch the provider's models, offer them, then compute (the first estimate waits for this). */
  async _loadModels() {
    const provider = this._inputs.get("provider").value;
    const token = (this._modelsToken = (this._modelsToken || 0) + 1);
    this._modelsReady = false;
    this._results.setAttribute("aria-busy", "true");
    let data;
    try {
      // Only the models this customer can fine-tune and serve today (retired ones are left out
      // by the API; models closed to new customers are dropped below).
      const customer = this._inputs.get("customer").value || "new";
      data = await this._fetchJson(
        `v1/models?provider=${encodeURIComponent(provider)}&customer=${encodeURIComponent(customer)}`
      );
    } catch (err) {
      if (token !== this._modelsToken) return;
      this._showTopError(`${err.message} The model list could not be loaded, so nothing was computed.`);
      this._status.textContent = "Not computed.";
      this._results.removeAttribute("aria-busy");
      const problem = err.problem || { title: "Error", detail: String(err.message || err), status: 0 };
      this.dispatchEvent(new CustomEvent("ftcost:error", { detail: { problem, scenario: null }, bubbles: true, composed: true }));
      return;
    }
    if (token !== this._modelsToken) return;
    const list = Array.isArray(data) ? data : data.models || [];
    this._models = list
      .map((m) => ({
        id: m.id,
        provider: m.provider,
        names: [m.id, ...(m.aliases || [])].filter(Boolean).map((n) => String(n).toLowerCase()),
        label: (m.aliases && m.aliases[0]) || m.id,
        methods: m.methods || [],
        tiers: m.training_tiers || [],
        deployments: m.deployments || [],
        regions: m.regions || [],
        status: (m.status && m.status.status) || "available",
      }))
      .filter((m) => m.id && (!m.provider || m.provider === provider));
    this._modelsReady = true;
    this._applyModelChoices();
    if (this._connected) this.compute();
  }

  /** The catalog entry a select's value names (id or alias), or undefined. */
  _modelNamed(value) {
    const v = String(value || "").toLowerCase();
    return v ? this._models.find((m) => m.names.includes(v)) : undefined;
  }

  /** Offer the models, then the chosen model's methods, tiers, deployment types and regions. */
  _applyModelChoices() {
    const usable = (m) => m.status === "available" || m.status === "retiring";
    const fineTunable = this._models.filter((m) => m.methods.length > 0 && usable(m));
    this._fillModelSelect(this._inputs.get("model"), fineTunable, this._wanted.get("model"), false);
    this._fillModelSelect(this._inputs.get("base-model"), this._models, this._wanted.get("base-model"), true);
    const m = this._modelNamed(this._inputs.get("model").value);
    const label = (labels) => (v) => [v, labels[v] || v];
    this._fillChoice("method", (m ? m.methods : ["sft"]).map(label(METHOD_LABELS)));
    this._fillChoice("tier", (m ? m.tiers : ["global"]).map(label(TIER_LABELS)));
    this._fillChoice("deployment", (m ? m.deployments : ["global"]).map(label(TIER_LABELS)));
    const regions = m ? m.regions : [];
    this._fillChoice("region", [["", "Reference price (no region)"], ...regions.map((r) => [r, r])]);
    this._wraps.get("region").hidden = regions.length === 0;
    const method = this._inputs.get("method").value;
    for (const f of FIELDS) {
      if (f.only) this._wraps.get(f.id).hidden = !f.only.includes(method);
    }
  }

  /** Options of a dynamic select; the wanted value if offered, else its default, else the first. */
  _fillChoice(id, options) {
    const select = this._inputs.get(id);
    const f = FIELDS.find((x) => x.id === id);
    const values = options.map(([v]) => v);
    const want = this._wanted.get(id);
    select.replaceChildren(...options.map(([value, text]) => h("option", { value, text })));
    select.value = values.includes(want) ? want : values.includes(f.value) ? f.value : values[0] ?? "";
  }

  _fillModelSelect(select, models, wanted, allowSame) {
    const want = String(wanted || "");
    const options = [];
    if (allowSame) options.push(h("option", { value: "", text: "(same as the fine-tuned model)" }));
    let chosen = allowSame && want === "" ? "" : null;
    const target = want || (allowSame ? "" : DEFAULT_MODEL);
    for (const m of models) {
      const hit = target !== "" && m.names.includes(target.toLowerCase());
      const value = hit ? target : m.label;
      if (hit) chosen = value;
      const name = m.label === m.id ? m.id : `${m.label} (${m.id})`;
      const note = STATUS_NOTES[m.status];
      options.push(h("option", { value, text: note ? `${name}, ${note}` : name }));
    }
    if (chosen === null && want) {
      // A name the catalog does not know: kept, so the API's answer explains it beside the field.
      options.push(h("option", { value: want, text: want }));
      chosen = want;
    }
    select.replaceChildren(...options);
    select.value = chosen ?? (options[0] ? options[0].value : "");
  }

  async _countTokens(f, textarea) {
    const model = f.text === "base" && this._inputs.get("base-model").value
      ? this._inputs.get("base-model").value
      : this._inputs.get("model").value;
    this._clearFieldError(f.id);
    try {
      const body = await this._fetchJson("v1/tokens/count", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: this._inputs.get("provider").value, model, text: textarea.value }),
      });
      const n = body.tokens ?? body.count ?? body.total_tokens;
      this._inputs.get(f.id).value = String(n);
      this._status.textContent = `Counted ${formatCount(n)} tokens (${body.encoding || model}).`;
      this.compute();
    } catch (err) {
      this._showFieldError(f.id, this._sentence(err.problem || { detail: err.message }, f));
    }
  }

  /** Build the Scenario from the card; returns null (and marks the fields) when input is unusable. */
  buildScenario() {
    const v = (id) => this._inputs.get(id).value.trim();
    const nums = {};
    let ok = true;
    for (const f of FIELDS) {
      if (f.kind !== "number" || this._wraps.get(f.id).hidden) continue;
      const raw = v(f.id);
      const n = raw === "" ? NaN : Number(raw);
      const problem = !Number.isFinite(n) ? `Enter a number for “${f.label}”.`
        : n < f.min ? `${f.label} must be ${formatCount(f.min)} or more.`
        : f.step === 1 && !Number.isInteger(n) ? `${f.label} must be a whole number.`
        : null;
      if (problem) {
        this._showFieldError(f.id, problem);
        ok = false;
      }
      nums[f.id] = n;
    }
    const model = v("model");
    if (!model) {
      this._showFieldError("model", "Choose the model to fine-tune.");
      ok = false;
    }
    if (!ok) return null;
    const method = v("method") || "sft";
    const training = method === "rft"
      ? { method, tier: v("tier"), rft_hours: nums["rft-hours"], runs: 1 }
      : { method, tier: v("tier"), tokens_per_epoch: nums["training-tokens"], epochs: nums.epochs, runs: 1 };
    const scenario = {
      provider: v("provider"),
      customer: v("customer") || "new",
      model,
      training,
      deployment: { type: v("deployment") },
      traffic: { requests_per_month: nums.requests },
      base: { model: v("base-model") || model, prompt_tokens: nums["base-prompt"], output_tokens: nums.output },
      fine_tuned: { prompt_tokens: nums["ft-prompt"], output_tokens: nums.output },
      retrain_every_months: v("retrain") === "" ? null : Number(v("retrain")),
      horizon_months: nums.horizon,
    };
    if (v("region")) scenario.region = v("region");
    return scenario;
  }

  _schedule() {
    clearTimeout(this._timer);
    const ms = Number(this.getAttribute("debounce") ?? DEFAULT_DEBOUNCE_MS);
    this._results.setAttribute("aria-busy", "true");
    this._timer = setTimeout(() => this.compute(), Number.isFinite(ms) ? ms : DEFAULT_DEBOUNCE_MS);
  }

  _idle(seq) {
    if (seq === this._seq && this._timer === null) this._results.removeAttribute("aria-busy");
  }

  /** Send the card's Scenario to POST /v1/estimate and show the Projection. */
  async compute() {
    clearTimeout(this._timer);
    this._timer = null;
    if (!this._modelsReady) {
      // _loadModels() computes when the list arrives: no request leaves with a guessed model.
      this._status.textContent = "Loading the model list…";
      return null;
    }
    this._clearErrors();
    const scenario = this.buildScenario();
    if (!scenario) {
      this._markStale("Fix the marked fields.");
      if (this._controller) this._controller.abort();
      this._idle(++this._seq);
      return null;
    }
    if (this._controller) this._controller.abort();
    const controller = (this._controller = new AbortController());
    const seq = ++this._seq;
    this._scenario = scenario;
    this._results.setAttribute("aria-busy", "true");
    this._status.textContent = "Computing…";
    try {
      const projection = await this._fetchJson("v1/estimate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(scenario),
        signal: controller.signal,
      });
      if (seq !== this._seq) return null;
      this._projection = projection;
      this._render(projection);
      this._status.textContent = "Up to date.";
      this.dispatchEvent(new CustomEvent("ftcost:result", { detail: { projection, scenario }, bubbles: true, composed: true }));
      return projection;
    } catch (err) {
      if (err && err.name === "AbortError") return null;
      if (seq !== this._seq) return null;
      const problem = err.problem || { title: "Error", detail: String(err.message || err) };
      this._showProblem(problem);
      this._markStale("Not updated: see the message above.");
      this.dispatchEvent(new CustomEvent("ftcost:error", { detail: { problem, scenario }, bubbles: true, composed: true }));
      return null;
    } finally {
      this._idle(seq);
    }
  }

  // -- problems -------------------------------------------------------------------------------

  _fieldForPath(path) {
    const p = normalizePath(path);
    if (!p) return null;
    let best = null;
    let bestLen = -1;
    for (const f of FIELDS) {
      for (const candidate of f.paths) {
        const hit = p === candidate || p.startsWith(`${candidate}.`);
        if (hit && candidate.length > bestLen) {
          best = f;
          bestLen = candidate.length;
        }
      }
    }
    return best;
  }

  _showProblem(problem) {
    const f = this._fieldForPath(problem.field);
    const shown = f && !this._wraps.get(f.id).hidden ? f : null;
    const text = this._sentence(problem, f);
    if (shown) this._showFieldError(shown.id, text);
    else this._showTopError(text);
  }

  /**
   * A problem as a sentence for the person at the card: the validator's wording ("Expected
   * `float` >= 0.0 - at `$.traffic.requests_per_month`") becomes "Requests per month must be at
   * least 0."; API paths inside ftcost's own messages become the fields' labels.
   */
  _sentence(problem, f) {
    const detail = String(problem.detail || problem.title || "The request failed.");
    const label = f ? f.label : null;
    const bound = detail.match(/^Expected `\w+`(?: of length)? (>=|>|<=|<) (-?[\d.e+]+)/);
    if (bound && label) {
      const words = { ">=": "at least", ">": "more than", "<=": "at most", "<": "less than" }[bound[1]];
      const n = nf({ maximumFractionDigits: 6 }).format(Number(bound[2]));
      return `${label} must be ${words} ${n}.`;
    }
    if (/^Expected `int`/.test(detail) && label) return `${label} must be a whole number.`;
    if (/`|\$\./.test(detail)) {
      return label ? `${label}: this value is not accepted.` : "The service could not read the request; check the values entered.";
    }
    const out = detail.replace(/\b[a-z_]+(?:\.[a-z_]+)+\b/g, (path) => {
      const g = this._fieldForPath(path);
      return g ? `“${g.label}”` : path;
    });
    // A sentence starts with a capital, unless it starts with a name ("gpt-4.1-mini-…: …").
    const first = out.split(/\s/, 1)[0];
    const start = /^[a-z]+[,:;]?$/.test(first) ? out.charAt(0).toUpperCase() + out.slice(1) : out;
    return start + (/[.!?]$/.test(out) ? "" : ".");
  }

  _showFieldError(id, message) {
    const input = this._inputs.get(id);
    const err = this._errors.get(id);
    err.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", err.id);
  }

  _clearFieldError(id) {
    const input = this._inputs.get(id);
    this._errors.get(id).textContent = "";
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }

  _showTopError(message) {
    this._topError.textContent = message;
  }

  _clearErrors() {
    for (const f of FIELDS) this._clearFieldError(f.id);
    this._topError.textContent = "";
  }

  _markStale(message) {
    this._status.textContent = message;
    if (this._projection) this._results.dataset.state = "stale";
  }

  // -- rendering the Projection ---------------------------------------------------------------

  _set(id, text, value) {
    const node = this._out[id];
    node.textContent = text;
    if (value === null || value === undefined) delete node.dataset.value;
    else node.dataset.value = String(value);
    return node;
  }

  _render(p) {
    this._results.dataset.state = "ready";
    const o = this._out;
    this._set("training-cost", formatUsd(get(p, "training.cost_usd")), get(p, "training.cost_usd"));
    const tokens = get(p, "training.tokens");
    o["training-tokens"].textContent = `${formatCount(tokens)} training tokens`;
    o["training-tokens"].dataset.value = String(tokens);
    o["training-cost"].append(o["training-tokens"]);
    this._set("hosting-monthly", formatUsd(get(p, "hosting.monthly_usd")), get(p, "hosting.monthly_usd"));
    this._set("per-request-base", formatUsd(get(p, "per_request.base_usd")), get(p, "per_request.base_usd"));
    this._set("per-request-ft", formatUsd(get(p, "per_request.fine_tuned_usd")), get(p, "per_request.fine_tuned_usd"));
    this._set("per-request-savings", formatUsd(get(p, "per_request.savings_usd")), get(p, "per_request.savings_usd"));
    this._set("net-savings", formatUsd(get(p, "monthly.net_savings_usd")), get(p, "monthly.net_savings_usd"));

    const be = p.break_even || {};
    const volume = be.requests_per_month;
    const payback = be.payback_months;
    const reason = be.reason || "";
    const vol = this._set("break-even-volume",
      volume === null || volume === undefined ? "never" : `${formatCount(Math.ceil(volume))} requests/month`, volume);
    vol.classList.toggle("never", volume === null || volume === undefined);
    const pb = this._set("payback", payback === null || payback === undefined ? "never" : formatDuration(payback), payback);
    pb.classList.toggle("never", payback === null || payback === undefined);
    o["break-even-reason"].textContent = reason;
    if (reason) pb.append(o["break-even-reason"]);

    this._renderLatency(p.latency || {});
    this._warnings.replaceChildren(...(p.warnings || []).map((w) =>
      h("li", { "data-code": w.code || "", text: w.message || String(w) })));
    this._renderChart(p);
    this._catalog.textContent = describeCatalog(p.catalog);
  }

  _renderLatency(latency) {
    const notes = [];
    for (const [side, key] of [["base", "base"], ["ft", "fine_tuned"]]) {
      const l = latency[key];
      for (const metric of ["ttft", "e2e"]) {
        const cell = this._lat[`latency-${side}-${metric}`];
        const pct = l ? l[`${metric}_s`] : null;
        if (pct && Number.isFinite(pct.p50)) {
          cell.replaceChildren(formatSeconds(pct.p50), " ",
            h("span", { className: "range", text: `(${formatSeconds(pct.p10)}–${formatSeconds(pct.p90)})` }));
          cell.dataset.value = String(pct.p50);
        } else {
          cell.textContent = "n/a";
          delete cell.dataset.value;
        }
      }
      const reason = (l && l.reason) || latency[`${key}_reason`];
      if (!l && reason) notes.push(`${side === "base" ? "Base" : "Fine-tuned"}: ${reason}`);
    }
    if (latency.reason) notes.push(latency.reason);
    this._latNote.textContent = notes.join(" ");
    this._latChange.textContent = describeLatencyChange(latency);
  }

  _renderChart(p) {
    const points = seriesPoints(p.series);
    this._chartWrap.replaceChildren();
    if (!points.length) return;
    // The drawing is as wide as its box (within limits), so 12px labels stay 12px on phones.
    const W = Math.round(Math.min(720, Math.max(280, this._chartWrap.clientWidth || 600)));
    const H = Math.round(Math.min(320, Math.max(210, W * 0.5)));
    const crossing = findCrossing(points, p.break_even);
    const horizon = p.horizon || {};
    const retires = horizon.end_reason === "fine_tuned_retirement";
    // The break-even and retirement labels get a band each above the plot, clear of the lines
    // and the ticks.
    const bands = (crossing ? 1 : 0) + (retires ? 1 : 0);
    const L = 56, R = 14, T = 16 + 22 * bands, B = 40;
    const labelX = (cx, text, perChar) => {
      const half = text.length * perChar; // about half the width of the 12px text
      return Math.min(Math.max(cx, L + half), W - R - half);
    };
    this._chartWidth = W;
    const months = points.map((q) => q.month);
    // The axis spans the horizon; when the fine-tuned deployment retires first, the lines stop
    // at the end of the projection and a marker says so.
    const x0 = Math.min(0, ...months), x1 = Math.max(...months, horizon.months || 0);
    const yMax = niceMax(Math.max(...points.map((q) => Math.max(q.base, q.ft)), 0));
    const x = (m) => L + ((m - x0) / (x1 - x0 || 1)) * (W - L - R);
    const y = (v) => T + (1 - v / (yMax || 1)) * (H - T - B);

    const titleText = "Cumulative cost over the months, base vs fine-tuned";
    const last = points[points.length - 1];
    const ends = horizon.end_reason === "fine_tuned_retirement"
      ? ` The projection ends when the fine-tuned deployment retires (${horizon.end_date}).` : "";
    const descText =
      `After ${formatMonths(last.month)}: base ${formatUsd(last.base)}, fine-tuned ${formatUsd(last.ft)}. ` +
      (crossing ? `The fine-tuned setup is cheaper from month ${crossing.month} on.` : "The curves do not cross for good in this projection.") + ends;
    const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "chart-title chart-desc", "data-testid": "chart-svg" });
    svg.append(s("title", { id: "chart-title" }, titleText), s("desc", { id: "chart-desc" }, descText));

    // axes and ticks
    const yTicks = 4;
    for (let i = 0; i <= yTicks; i++) {
      const v = (yMax * i) / yTicks;
      const g = s("g", { class: "tick" });
      g.append(s("line", { class: i === 0 ? "axis" : "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      g.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, formatUsdShort(v)));
      svg.append(g);
    }
    const maxTicks = Math.max(2, Math.floor((W - L - R) / 34));
    const step = [1, 2, 3, 4, 6, 12, 24, 60, 120].find((k) => (x1 - x0) / k <= maxTicks) || Math.ceil((x1 - x0) / maxTicks);
    const xTicks = s("g", { "data-testid": "chart-x-ticks" });
    for (let m = x0; m <= x1; m += step) {
      const g = s("g", { class: "tick", "data-month": m });
      g.append(s("line", { x1: x(m), x2: x(m), y1: H - B, y2: H - B + 5 }));
      g.append(s("text", { x: x(m), y: H - B + 18, "text-anchor": "middle" }, String(m)));
      xTicks.append(g);
    }
    svg.append(xTicks);
    svg.append(s("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }));
    svg.append(s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "Month"));

    const line = (key, cls, testid) =>
      s("polyline", { class: `line ${cls}`, "data-testid": testid, points: points.map((q) => `${x(q.month).toFixed(1)},${y(q[key]).toFixed(1)}`).join(" ") });
    svg.append(line("base", "line-base", "chart-line-base"), line("ft", "line-ft", "chart-line-ft"));

    if (retires) {
      const ex = x(horizon.end_month);
      const ly = T - 14 - (crossing ? 22 : 0);
      const text = `Retires ${horizon.end_date || ""}`.trim();
      const g = s("g", { class: "end", "data-testid": "chart-end", "data-month": horizon.end_month });
      g.append(s("line", { x1: ex, x2: ex, y1: ly + 4, y2: H - B, "stroke-dasharray": "4 3" }));
      g.append(s("text", { x: labelX(ex, text, 3.4), y: ly, "text-anchor": "middle", "data-testid": "chart-end-label" }, text));
      svg.append(g);
    }

    if (crossing) {
      const cx = x(crossing.x), cy = y(crossing.y);
      const g = s("g", { class: "crossing", "data-testid": "chart-crossing", "data-month": crossing.month });
      const label = `Break-even: month ${crossing.month}`;
      const tx = labelX(cx, label, 3.7); // bold
      g.append(s("line", { x1: cx, x2: cx, y1: T - 8, y2: H - B }));
      g.append(s("circle", { cx, cy, r: 6 }));
      g.append(s("text", { x: tx, y: T - 14, "text-anchor": "middle", "data-testid": "chart-crossing-label" }, label));
      svg.append(g);
    }

    const legend = h("ul", { className: "legend", "aria-hidden": "true" },
      h("li", {}, h("span", { className: "swatch" }), "Base (no fine-tuning)"),
      h("li", {}, h("span", { className: "swatch ft" }), "Fine-tuned"));
    this._chartWrap.append(svg, legend,
      h("figcaption", { className: "sr-only", text: descText }));
  }
}

// ---------------------------------------------------------------------------------------------
// Projection helpers

/** Normalise `series` to [{month, base, ft}] (cumulative USD), whatever its exact layout. */
function seriesPoints(series) {
  if (!series) return [];
  const pick = (o, names) => names.map((n) => o[n]).find((v) => v !== undefined);
  const baseNames = ["cumulative_base_usd", "base_cumulative_usd", "base_usd", "base"];
  const ftNames = ["cumulative_fine_tuned_usd", "fine_tuned_cumulative_usd", "fine_tuned_usd", "fine_tuned"];
  if (Array.isArray(series)) {
    return series
      .map((row, i) => ({ month: pick(row, ["month"]) ?? i + 1, base: pick(row, baseNames), ft: pick(row, ftNames) }))
      .filter((q) => Number.isFinite(q.base) && Number.isFinite(q.ft));
  }
  const base = pick(series, baseNames) || [];
  const ft = pick(series, ftNames) || [];
  const months = series.months || series.month || base.map((_, i) => i + 1);
  return months
    .map((m, i) => ({ month: m, base: base[i], ft: ft[i] }))
    .filter((q) => Number.isFinite(q.base) && Number.isFinite(q.ft));
}

/** Where the fine-tuned cumulative cost drops to or below the base: {month, x, y} or null. */
function findCrossing(points, breakEven) {
  // Only a projection that pays has a break-even marker, at the month the API names (from
  // then on fine-tuning stays cheaper to the end); a "never" never gets one.
  const given = breakEven ? breakEven.crossover_month : undefined;
  if (!breakEven || !breakEven.pays || given === null || given === undefined) return null;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1], q = points[i];
    if (q.month === given && prev.ft > prev.base && q.ft <= q.base) {
      const d0 = prev.ft - prev.base, d1 = q.ft - q.base;
      const t = d0 / (d0 - d1);
      return {
        month: given ?? q.month,
        x: prev.month + t * (q.month - prev.month),
        y: prev.base + t * (q.base - prev.base),
      };
    }
  }
  const at = points.find((q) => q.month === given);
  return at ? { month: given, x: given, y: at.base } : null;
}

/** "Fine-tuned vs base at p50: first token -0.16 s (-28%), whole response -0.15 s (-6%)." */
export function describeLatencyChange(latency) {
  const b = latency && latency.base, f = latency && latency.fine_tuned;
  if (!b || !f) return "";
  const parts = [];
  for (const [label, key] of [["first token", "ttft_s"], ["whole response", "e2e_s"]]) {
    const before = b[key] && b[key].p50, after = f[key] && f[key].p50;
    if (!Number.isFinite(before) || !Number.isFinite(after)) return "";
    const diff = after - before;
    const sign = diff < 0 ? "-" : "+";
    const pct = before ? ` (${sign}${nf({ maximumFractionDigits: 0 }).format(Math.abs(diff / before) * 100)}%)` : "";
    parts.push(`${label} ${sign}${formatSeconds(Math.abs(diff))}${pct}`);
  }
  return `Fine-tuned vs base at p50: ${parts.join(", ")}.`;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * mag >= v) return m * mag;
  return 10 * mag;
}

function describeCatalog(catalog) {
  if (!catalog) return "";
  const list = Array.isArray(catalog) ? catalog : catalog.providers || catalog.versions || [catalog];
  const parts = list.map((c) => {
    if (typeof c === "string") return c;
    const asOf = c.as_of_max || c.as_of || "";
    return [c.version || c.provider, asOf && `prices as of ${asOf}`].filter(Boolean).join(", ");
  });
  return parts.length ? `Catalog: ${parts.join("; ")}.` : "";
}

if (!customElements.get("ftcost-estimator")) {
  customElements.define("ftcost-estimator", FtcostEstimator);
}
