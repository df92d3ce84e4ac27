// Python's printf-style string formatting, `'%s-%d' % (a, b)`, which Jinja2 templates can use and
// MiniJinja lacks. source.ts rewrites `'literal' % operand` into a filter call; this formats with
// Python's rules and messages: conversions s r a d i u o x X e E f F g G c %, flags - + space # 0,
// width and precision (or *), and %(name)s keys when the operand is a dict.
import { isModel, pyRepr, pyStr, pyTypeName } from './python';

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)/y;

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !isModel(v);

function number(v: unknown, conv: string, integer: boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (integer && !Number.isInteger(v)) throw new Error(`%${conv} format: an integer is required, not float`);
    return v;
  }
  throw new Error(`%${conv} format: ${integer ? 'an integer' : 'a real number'} is required, not ${pyTypeName(v)}`);
}

/** Python's exponent form: at least two digits ('1.5e+07'). */
function exponential(x: number, precision: number): string {
  return x.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function general(x: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? (0).toFixed(p - 1) : '0';
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  const s = exp >= -4 && exp < p ? x.toFixed(Math.max(0, p - 1 - exp)) : exponential(x, p - 1);
  if (alternate) return s;
  const [mantissa, e] = s.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return e === undefined ? trimmed : `${trimmed}e${e}`;
}

function float(x: number, conv: string, precision: number, alternate: boolean): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const lower = conv.toLowerCase();
  const s = lower === 'f' ? x.toFixed(precision) : lower === 'e' ? exponential(x, precision) : general(x, precision, alternate);
  return conv === conv.toUpperCase() ? s.toUpperCase() : s;
}

function integer(x: number, conv: string, alternate: boolean): string {
  const n = BigInt(Math.trunc(x));
  const abs = n < 0n ? -n : n;
  const body = conv === 'o' ? abs.toString(8) : conv === 'x' ? abs.toString(16) : conv === 'X' ? abs.toString(16).toUpperCase() : abs.toString();
  const prefix = alternate && conv !== 'd' && conv !== 'i' && conv !== 'u' ? (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') : '';
  return (n < 0n ? '-' : '') + prefix + body;
}

/** `fmt % operand`: `tuple` when the operand was written as a tuple (its items are `value`). */
export function percentFormat(fmt: string, value: unknown, tuple: boolean): string {
  // A None reaches filters as undefined (./environment.ts pg_str): it formats as None.
  const none = (x: unknown) => (x === undefined ? null : x);
  const args = tuple ? (value as unknown[]).map(none) : [none(value)];
  const mapping = !tuple && isMapping(value) ? (value as Record<string, unknown>) : null;
  let next = 0;
  const take = (): unknown => {
    if (next >= args.length) throw new Error('not enough arguments for format string');
    return args[next++];
  };
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const at = fmt.indexOf('%', i);
    if (at < 0) { out += fmt.slice(i); break; }
    out += fmt.slice(i, at);
    SPEC.lastIndex = at;
    const m = SPEC.exec(fmt)!;
    const [whole, key, flags, widthSpec, precisionSpec, conv] = m;
    i = at + whole.length;
    if (conv === '%' && whole === '%%') { out += '%'; continue; }
    if (!conv) throw new Error('incomplete format');
    if (!/[sradiuoxXeEfFgGc%]/.test(conv)) {
      throw new Error(`unsupported format character '${conv}' (0x${conv.charCodeAt(0).toString(16)}) at index ${at + whole.length - 1}`);
    }
    const width = widthSpec === '*' ? number(take(), '*', true) : Number(widthSpec ?? 0);
    const precision = precisionSpec === '*' ? number(take(), '*', true) : precisionSpec === undefined ? null : Number(precisionSpec || 0);
    let v: unknown;
    if (key !== undefined) {
      if (!mapping) throw new Error('format requires a mapping');
      if (!Object.hasOwn(mapping, key)) throw new Error(`'${key}'`);
      v = mapping[key];
    } else v = conv === '%' ? '%' : take();
    const alternate = flags.includes('#');
    let text: string;
    let numeric = false;
    if (conv === 's' || conv === 'r' || conv === 'a' || conv === '%') {
      text = conv === 's' || conv === '%' ? pyStr(v) : pyRepr(v);
      if (precision !== null) text = text.slice(0, precision);
    } else if (conv === 'c') {
      if (typeof v === 'string' && [...v].length === 1) text = v;
      else text = String.fromCodePoint(number(v, 'c', true));
    } else {
      numeric = true;
      const x = number(v, conv, 'oxX'.includes(conv));
      text = 'eEfFgG'.includes(conv) ? float(x, conv, precision ?? 6, alternate) : integer(x, conv, alternate);
      if (precision !== null && 'diuoxX'.includes(conv)) {
        const neg = text.startsWith('-');
        const digits = neg ? text.slice(1) : text;
        text = (neg ? '-' : '') + digits.padStart(precision, '0');
      }
      if (!text.startsWith('-')) text = (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + text;
    }
    if (text.length < width) {
      if (flags.includes('-')) text = text.padEnd(width);
      else if (numeric && flags.includes('0') && /^[+\- ]?(0[oxX])?[0-9a-fA-F.]/.test(text) && !/inf|nan/.test(text)) {
        const sign = /^[+\- ]?(0[oxX])?/.exec(text)![0];
        text = sign + text.slice(sign.length).padStart(width - sign.length, '0');
      } else text = text.padStart(width);
    }
    out += text;
  }
  if (!mapping && next < args.length) throw new Error('not all arguments converted during string formatting');
  // A dict operand is never "not all converted", even unused (Python's rule).
  return out;
}
