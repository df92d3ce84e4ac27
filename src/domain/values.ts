// Rules on values every surface applies the same way: the date-times PeerGate can store and how
// deeply a JSON value may nest (JSON_MAX_DEPTH). The GraphQL scalars (src/graphql/scalars.ts), the
// REST readers and the domain's own writes all check with these.

/**
 * A date-time every surface accepts: one JavaScript can represent and PostgreSQL's
 * timestamptz can store, within years 1 to 9999 (Django's and DRF's range). Null when not.
 */
export function validDate(text: string | number): Date | null {
  const d = new Date(text);
  return inDateRange(d) ? d : null;
}

/** Whether a Date is valid and within years 1 to 9999 (UTC). */
export function inDateRange(d: Date): boolean {
  if (Number.isNaN(d.getTime())) return false;
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

// ---- JSON nesting depth -------------------------------------------------------------

const DEFAULT_JSON_MAX_DEPTH = 32;
let jsonMaxDepthSetting = DEFAULT_JSON_MAX_DEPTH;

/** The deepest nesting a JSON value may have (JSON_MAX_DEPTH); set once at start from the config. */
export function jsonMaxDepth(): number { return jsonMaxDepthSetting; }
export function setJsonMaxDepth(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`JSON max depth must be a positive integer, got ${n}`);
  jsonMaxDepthSetting = n;
}

export const jsonTooDeep = (max = jsonMaxDepthSetting) => `JSON nested deeper than ${max} levels.`;

/**
 * Whether a JSON value nests arrays/objects more than `max` levels (`1` and `"x"` are 0
 * levels, `[]` and `{}` 1, `[[1]]` 2). Walks without recursion and stops at the first
 * container past the limit, so a value 100,000 levels deep costs no stack.
 */
export function jsonDepthExceeds(value: unknown, max = jsonMaxDepthSetting): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}

/**
 * The same on JSON text, before it is parsed: a linear scan of the brackets outside
 * strings. Lets a reader refuse a body nested 100,000 levels deep without building it.
 * Text that is not JSON is left for the parser to report.
 */
export function jsonTextDepthExceeds(text: string, max = jsonMaxDepthSetting): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) return true; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
