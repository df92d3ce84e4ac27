// Strict argument parsing for every `peergate` command (node:util parseArgs, strict mode): an
// unknown flag, a missing value, a flag given as another flag's value or a bad value is a
// UsageError, which the entry point prints as one line and exits with 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isIP } from 'node:net';

/** Exit code of a command line the program does not accept. */
export const USAGE_EXIT = 2;

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<V> { values: V; positionals: string[] }

/**
 * parseArgs in strict mode, with `--help`/`-h` on every command, its errors turned into one
 * UsageError line that names the command (node's own messages span lines and suggest `--x=-y`).
 */
export function parseCommand<O extends Options>(command: string, args: string[], options: O, positionals = 0): Parsed<Record<keyof O | 'help', any>> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as Options;
  let parsed;
  try {
    parsed = parseArgs({ args, options: all, strict: true, allowPositionals: positionals > 0, tokens: true });
  } catch (e) {
    throw new UsageError(`${command}: ${describeParseError(e as NodeJS.ErrnoException, args, all)}`);
  }
  const { values, positionals: pos, tokens } = parsed;
  if (!values.help) {
    for (const t of tokens ?? []) {
      // parseArgs takes `--user --read-only` as an error, but `--user=--read-only`, and the
      // value of a string option written apart, `--description -x`, are let through: a value that
      // is itself one of this command's flags is an error here.
      if (t.kind === 'option' && typeof t.value === 'string' && /^--?[A-Za-z]/.test(t.value)) {
        const flag = t.value.replace(/=.*$/, '').replace(/^-+/, '');
        if (flag in all || Object.values(all).some((o) => o.short === flag)) {
          throw new UsageError(`${command}: option --${t.name} needs a value, got the flag ${t.value}`);
        }
      }
    }
    if (pos.length > positionals) throw new UsageError(`${command}: unexpected argument "${pos[positionals]}"`);
  }
  return { values: values as Record<keyof O | 'help', any>, positionals: pos };
}

function describeParseError(e: NodeJS.ErrnoException, args: string[], options: Options): string {
  const message = String(e.message ?? e);
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? args.find((a) => a.startsWith('-')) ?? '?';
      const name = flag.replace(/^-+/, '').replace(/=.*$/, '');
      const near = Object.keys(options).find((o) => similar(o, name));
      return `unknown option ${flag}${near ? ` (did you mean --${near}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /'(--?[^' ]+)/.exec(message)?.[1] ?? '?';
      const name = flag.replace(/^-+/, '');
      const long = options[name] ? name : Object.entries(options).find(([, o]) => o.short === name)?.[0] ?? name;
      if (options[long]?.type === 'boolean') return `option --${long} takes no value`;
      const i = args.findIndex((a) => a === flag || a === `--${long}`);
      const next = i >= 0 ? args[i + 1] : undefined;
      return next === undefined ? `option --${long} needs a value` : `option --${long} needs a value, got the flag ${next}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']+)'/.exec(message)?.[1];
      return `unexpected argument${arg ? ` "${arg}"` : ''}`;
    }
    default:
      return message.split('\n')[0];
  }
}

/** Same letters give or take one (readonly ~ read-only, expire ~ expires, prot ~ port). */
function similar(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  const x = strip(a);
  const y = strip(b);
  if (x === y) return true;
  if (Math.abs(x.length - y.length) > 1) return false;
  // Levenshtein distance <= 1.
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) { i++; j++; continue; }
    if (++edits > 1) return false;
    if (x.length > y.length) i++;
    else if (y.length > x.length) j++;
    else { i++; j++; }
  }
  return edits + (x.length - i) + (y.length - j) <= 1;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A strict ISO 8601 instant: `YYYY-MM-DD` (midnight UTC that day) or `YYYY-MM-DDTHH:MM[:SS[.fff]]`
 * with `Z` or an offset. Anything else (`12`, `March 7`, a date without its time zone, 2026-02-30)
 * is null, where Date.parse would guess.
 */
export function parseIsoInstant(text: string): Date | null {
  const d = DATE.exec(text);
  const dt = d ? null : DATE_TIME.exec(text);
  const m = d ?? dt;
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || year < 1) return null;
  if (dt) {
    const [hour, minute, second] = [Number(dt[4]), Number(dt[5]), Number(dt[6] ?? 0)];
    if (hour > 23 || minute > 59 || second > 59) return null;
    const zone = dt[8];
    if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return null;
  }
  const at = new Date(d ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** `--expires`: a strict ISO 8601 instant in the future. */
export function parseExpires(command: string, text: string, now = new Date()): Date {
  const at = parseIsoInstant(text);
  if (!at) throw new UsageError(`${command}: --expires wants an ISO 8601 date or date-time (2026-12-31 or 2026-12-31T12:00:00Z), got "${text}"`);
  if (at.getTime() <= now.getTime()) throw new UsageError(`${command}: --expires ${text} is in the past`);
  return at;
}

/** `--port`: 0 to 65535 (0: any free port). */
export function parsePort(command: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${command}: --port wants a port number 0-65535, got "${text}"`);
  return Number(text);
}

/** `--host`: an IPv4 or IPv6 address or a host name. */
export function parseHost(command: string, text: string): string {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) || /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(bare)) return bare;
  throw new UsageError(`${command}: --host wants an IP address or host name, got "${text}"`);
}

/** An http(s) URL option. */
export function parseHttpUrl(command: string, flag: string, text: string): string {
  let u: URL;
  try { u = new URL(text); } catch { throw new UsageError(`${command}: ${flag} wants an http(s) URL, got "${text}"`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${command}: ${flag} wants an http(s) URL, got "${text}"`);
  return text;
}
