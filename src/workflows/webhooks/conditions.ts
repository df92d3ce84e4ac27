// Peering Manager's webhook conditions (spec pm-workflows §3.4): a set {and|or: [...]} of
// conditions {attr, value, op, negate}, evaluated against the object's data. Nesting is bounded.
export class ConditionError extends Error {}

const MAX_DEPTH = 16;
const OPS: Record<string, string[]> = {
  string: ['eq', 'contains', 'regex'],
  boolean: ['eq', 'contains'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte', 'contains'],
  list: ['eq', 'in', 'contains'],
  null: ['eq'],
};
const KNOWN_OPS = new Set(['eq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'regex']);
const CONDITION_KEYS = new Set(['attr', 'value', 'op', 'negate']);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);

/** `tags.slug`: each step reads a key, mapping over lists; a missing key is null. */
export function readAttr(data: unknown, attr: string): unknown {
  let cur: unknown = data;
  for (const step of attr.split('.')) {
    if (Array.isArray(cur)) cur = cur.map((x) => (x && typeof x === 'object' ? ((x as Record<string, unknown>)[step] ?? null) : null));
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[step] ?? null;
    else return null;
  }
  return cur;
}

function evalCondition(c: Record<string, unknown>, data: unknown): boolean {
  if (Object.keys(c).some((k) => !CONDITION_KEYS.has(k)) || typeof c.attr !== 'string') throw new ConditionError(`Invalid condition: ${JSON.stringify(c)}`);
  const op = (c.op ?? 'eq') as string;
  if (!KNOWN_OPS.has(op)) throw new ConditionError(`Unknown operator: ${op}`);
  const ref = c.value;
  const allowed = OPS[typeOf(ref)];
  if (!allowed) throw new ConditionError(`Unsupported value type: ${typeOf(ref)}`);
  if (!allowed.includes(op)) throw new ConditionError(`Invalid type for ${op} operation: ${typeOf(ref)}`);
  const v = readAttr(data, c.attr);
  let result: boolean;
  if (op === 'eq') result = JSON.stringify(v) === JSON.stringify(ref);
  else if (v === null) result = false; // Peering Manager raises comparing with None; PeerGate: false
  else if (op === 'gt') result = typeof v === 'number' && v > (ref as number);
  else if (op === 'gte') result = typeof v === 'number' && v >= (ref as number);
  else if (op === 'lt') result = typeof v === 'number' && v < (ref as number);
  else if (op === 'lte') result = typeof v === 'number' && v <= (ref as number);
  else if (op === 'in') result = (ref as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(v));
  else if (op === 'contains') {
    if (typeof v === 'string') result = typeof ref === 'string' && v.includes(ref);
    else if (Array.isArray(v)) result = v.some((x) => JSON.stringify(x) === JSON.stringify(ref));
    else result = false;
  } else {
    // Python re.match: anchored at the start only. Bounded input keeps a bad pattern's cost bounded.
    let re: RegExp;
    try { re = new RegExp(`^(?:${ref as string})`); } catch { throw new ConditionError(`Invalid regular expression: ${ref as string}`); }
    result = typeof v === 'string' && re.test(v.slice(0, 10_000));
  }
  return c.negate === true ? !result : result;
}

/** True when `conditions` (null/empty = always) hold for `data`; throws ConditionError on a malformed set. */
export function conditionsHold(conditions: unknown, data: unknown, depth = 0): boolean {
  if (conditions === null || conditions === undefined) return true;
  if (typeof conditions !== 'object' || Array.isArray(conditions)) throw new ConditionError('Conditions must be an object');
  const c = conditions as Record<string, unknown>;
  if (depth === 0 && Object.keys(c).length === 0) return true;
  if (depth > MAX_DEPTH) throw new ConditionError('Conditions nested too deep');
  const keys = Object.keys(c);
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
    const list = c[keys[0]];
    if (!Array.isArray(list)) throw new ConditionError(`"${keys[0]}" must be a list`);
    const results = (x: unknown) => conditionsHold(x, data, depth + 1);
    return keys[0] === 'and' ? list.every(results) : list.some(results);
  }
  return evalCondition(c, data);
}
