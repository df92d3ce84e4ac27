// One render on MiniJinja (minijinja-js, WASM): a fresh Environment per render configured as Peering
// Manager's Jinja2 environment (autoescape off, default Undefined, trim/lstrip from the template,
// final newline dropped), with fuel as the bound on work. JS callbacks must never throw into the
// WASM instance (that aborts it): every filter is wrapped, and a refusal is returned as a value
// MiniJinja cannot convert, which stops the render at that line; the real message is kept aside.
import { TemplateError } from './errors';
import { isModel, pyStr, pyTypeName, REF } from './python';
import { prepare, UNDEFINED_MARK } from './source';
import { now } from './now';
import { percentFormat } from './percent-format';
import { KeyOrders, orderedKeys, withKeyOrders } from './key-order';

type MiniJinja = typeof import('minijinja-js');
type MjEnvironment = InstanceType<MiniJinja['Environment']>;

const MODULE = 'minijinja-js';
let engine: MiniJinja | null = null;
function load(): MiniJinja {
  engine ??= require(MODULE) as MiniJinja;
  return engine;
}
/** After a WASM abort the instance may be unusable: the next render loads a new one. */
function discardEngine(): void {
  try { delete require.cache[require.resolve(MODULE)]; } catch { /* not cached */ }
  engine = null;
}

export type Kwargs = Record<string, unknown>;
/** A filter sees plain JS values (dicts as objects) and returns plain JS values. */
export type FilterFn = (value: unknown, args: unknown[], kwargs: Kwargs) => unknown;

export interface RenderLimits {
  /** MiniJinja fuel: roughly one unit per instruction. */
  fuel: number;
  maxOutputChars: number;
}

const envInt = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export function defaultLimits(): RenderLimits {
  return { fuel: envInt('TEMPLATE_FUEL', 20_000_000), maxOutputChars: envInt('TEMPLATE_MAX_OUTPUT_CHARS', 10_000_000) };
}

export interface RenderInput {
  name: string;            // shown in errors
  source: string;          // raw Jinja2 source (prepared here)
  context: Record<string, unknown>;
  trim?: boolean;
  lstrip?: boolean;
  /** Included templates by their include name ("configuration::Name"), raw sources. */
  includes?: Map<string, string>;
  filters: Record<string, FilterFn>;
  limits?: RenderLimits;
  /** Key order of the render's dicts (./key-order.ts); without it dicts iterate sorted. */
  keyOrders?: KeyOrders;
}

const REFUSED = Symbol('template filter refused');

/** Maps are what MiniJinja hands over for dicts and objects; filters get plain objects. */
export function fromEngine(v: unknown): unknown {
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = fromEngine(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(fromEngine);
  return v;
}

function wrapFilter(fn: FilterFn, state: { error: string | null }): (...a: unknown[]) => unknown {
  return (...raw: unknown[]) => {
    if (state.error) return REFUSED;
    try {
      const [value, ...rest] = raw;
      let kwargs: Kwargs = {};
      // MiniJinja passes keyword arguments as a trailing Map; an object of the render (`ixps(other)`) is a Map too, with its reference.
      const last = rest[rest.length - 1];
      if (last instanceof Map && !last.has(REF)) kwargs = fromEngine(rest.pop()) as Kwargs;
      const out = fn(fromEngine(value), rest.map(fromEngine), kwargs);
      return out === undefined ? null : out;
    } catch (e) {
      state.error = (e as Error)?.message ?? String(e);
      return REFUSED;
    }
  };
}

function safeCallable(fn: (...a: unknown[]) => unknown, state: { error: string | null }): (...a: unknown[]) => unknown {
  return (...a: unknown[]) => {
    if (state.error) return REFUSED;
    try { return fn(...a.map(fromEngine)); } catch (e) { state.error = (e as Error)?.message ?? String(e); return REFUSED; }
  };
}

/** Filters every render has: printing, the rewritten method calls, Jinja2's `iterable` test. */
function builtins(): Record<string, FilterFn> {
  return {
    pg_str: (v) => (v === UNDEFINED_MARK ? '' : v === undefined ? 'None' : pyStr(v)),
    pg_first: (v) => (Array.isArray(v) ? (v[0] ?? null) : null),
    pg_last: (v) => (Array.isArray(v) ? (v.length ? v[v.length - 1] : null) : null),
    pg_exists: (v) => Array.isArray(v) && v.length > 0,
    pg_get: (v, args, kw) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error("'get' is only available on dicts here");
      const key = args[0] ?? kw.key;
      const dflt = args.length > 1 ? args[1] : (kw.default ?? null);
      return Object.hasOwn(v, String(key)) ? (v as Record<string, unknown>)[String(key)] : dflt;
    },
    // Jinja2's join prints each item with str(): a model by its display, None as None. MiniJinja's
    // would print a model as its fields.
    join: (v, args, kw) => {
      const sep = args[0] ?? kw.d ?? '';
      const attribute = args[1] ?? kw.attribute ?? null;
      const items = Array.isArray(v) ? v : typeof v === 'string' ? [...v] : v && typeof v === 'object' && !isModel(v) ? Object.keys(v) : null;
      if (!items) throw new Error(`join: ${pyStr(v)} is not iterable`);
      const picked = attribute === null ? items : items.map((x) => attributeOf(x, attribute));
      return picked.map(pyStr).join(pyStr(sep));
    },
    // `a ~ b` (./concat.ts): str() of each operand, as Jinja2 joins them.
    pg_concat: (v) => (v as unknown[]).map((x) => pyStr(x === undefined ? null : x)).join(''),
    // Jinja2's string filter is str(): None, True, a model's display.
    string: (v) => pyStr(v === undefined ? null : v),
    // `'fmt' % operand` (source.ts): the operand is the value, a dict being no keyword arguments.
    pg_format: (v, args) => percentFormat(String(args[0]), v, true),
    pg_format_one: (v, args) => percentFormat(String(args[0]), v, false),
    // Dicts iterate in Jinja2's order (./key-order.ts): for loops, .items(), .keys(), .values(), |items.
    pg_keys: (v) => keysOf(v, 'iterable'),
    pg_items: (v) => keysOf(v, 'dict').map((k) => [k, (v as Record<string, unknown>)[k]]),
    items: (v) => keysOf(v, 'dict').map((k) => [k, (v as Record<string, unknown>)[k]]),
    pg_values: (v) => keysOf(v, 'dict').map((k) => (v as Record<string, unknown>)[k]),
    pg_append: (v, args) => {
      // Called with no argument by the statement form (./append.ts) on a value that is not a list.
      if (!args.length) throw new Error(`'${pyTypeName(v)}' object has no attribute 'append'`);
      throw new Error('list.append() is not supported inside an expression: use the statement {% set _ = name.append(x) %} (or name[key].append(x)), or build lists with + or namespace()');
    },
  };
}

function keysOf(v: unknown, what: string): string[] {
  if (!v || typeof v !== 'object' || Array.isArray(v) || isModel(v)) throw new Error(`'${pyTypeName(v)}' object is not ${what === 'dict' ? 'a dict' : 'iterable'}`);
  return orderedKeys(v as Record<string, unknown>);
}

/** Jinja2's attribute argument of join, sum, map: a dotted path whose integer parts index lists. */
function attributeOf(v: unknown, path: unknown): unknown {
  let x = v;
  for (const part of String(path).split('.')) {
    if (Array.isArray(x) && /^-?\d+$/.test(part)) x = x[Number(part)];
    else if (x && typeof x === 'object' && Object.hasOwn(x, part)) x = (x as Record<string, unknown>)[part];
    else return undefined;
  }
  return x;
}

const LOCATION = /\(in ([^()\n]*):(\d+)\)\s*$/;

function toTemplateError(e: unknown, name: string, state: { error: string | null }): TemplateError {
  const text = String((e as Error)?.message ?? e);
  const first = text.split('\n')[0];
  // The location closes the message, after whatever the message spans (a conversion error spans lines).
  const m = LOCATION.exec(text.split('\n-----')[0]);
  const reason = state.error ?? first.replace(LOCATION, '').trim();
  const where = m ? m[1] : name;
  const line = m ? Number(m[2]) : null;
  if (/^out of fuel|ran out of fuel/.test(reason)) return new TemplateError('the template did too much work (render fuel exhausted)', where, line);
  return new TemplateError(reason.replace(/^syntax error: /, ''), where, line, /^syntax error/.test(reason));
}

function configure(env: MjEnvironment, input: RenderInput, limits: RenderLimits, state: { error: string | null }): void {
  env.enablePyCompat();
  env.debug = false;
  env.trimBlocks = !!input.trim;
  env.lstripBlocks = !!input.lstrip;
  env.keepTrailingNewline = false;
  env.undefinedBehavior = 'lenient';
  env.fuel = limits.fuel;
  for (const [n, f] of Object.entries({ ...builtins(), ...input.filters })) env.addFilter(n, wrapFilter(f, state));
  // Jinja2: a dict, list or string is iterable; None and numbers are not.
  env.addTest('iterable', (v: unknown) => v !== null && v !== undefined && (typeof v === 'string' || typeof v === 'object'));
  env.addGlobal('now', safeCallable((...a) => now(a as [string?, string?]), state));
}

/** Renders a template; throws TemplateError (never anything else for template faults). */
export function renderTemplate(input: RenderInput): string {
  const limits = input.limits ?? defaultLimits();
  const state = { error: null as string | null };
  const main = prepare(input.source, input.name);
  const orders = input.keyOrders ?? new KeyOrders();
  for (const keys of main.dictOrders) orders.addLiteral(keys);
  const mj = load();
  const env = new mj.Environment();
  let out: string;
  try {
    configure(env, input, limits, state);
    for (const [n, src] of input.includes ?? []) {
      const included = prepare(src, n);
      for (const keys of included.dictOrders) orders.addLiteral(keys);
      env.addTemplate(n, included.source);
    }
    out = withKeyOrders(orders, () => env.renderNamedStr(input.name, main.source, input.context));
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    const msg = String((e as Error)?.message ?? e);
    if (e instanceof WebAssembly.RuntimeError || msg === 'unreachable') {
      discardEngine();
      throw new TemplateError(state.error ?? 'the template engine aborted (the template needs too much memory)', input.name, null);
    }
    throw toTemplateError(e, input.name, state);
  } finally {
    try { env.free(); } catch { /* already gone */ }
  }
  if (out.length > limits.maxOutputChars) throw new TemplateError(`the output is over ${limits.maxOutputChars} characters`, input.name, null);
  return out;
}
