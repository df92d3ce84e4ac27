// The `now()` global: strftime in a time zone (Peering Manager's TIME_ZONE, UTC here by default).
// The default format ends in a literal "Z" whatever the zone, as Peering Manager's does.
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

interface Parts { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; wd: number; offsetMin: number }

function partsIn(date: Date, timeZone: string): Parts {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  const y = Number(p.year), mo = Number(p.month), d = Number(p.day), h = Number(p.hour), mi = Number(p.minute), s = Number(p.second);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetMin = Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const wd = (new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 6) % 7;
  return { y, mo, d, h, mi, s, ms: date.getUTCMilliseconds(), wd, offsetMin };
}

export function strftime(date: Date, format: string, timeZone: string): string {
  const t = partsIn(date, timeZone);
  const off = `${t.offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(t.offsetMin) / 60))}${pad(Math.abs(t.offsetMin) % 60)}`;
  const doy = Math.round((Date.UTC(t.y, t.mo - 1, t.d) - Date.UTC(t.y, 0, 1)) / 86400000) + 1;
  const codes: Record<string, string> = {
    Y: String(t.y), y: pad(t.y % 100), m: pad(t.mo), d: pad(t.d), H: pad(t.h), M: pad(t.mi), S: pad(t.s),
    f: pad(t.ms * 1000, 6), I: pad(t.h % 12 || 12), p: t.h < 12 ? 'AM' : 'PM', j: pad(doy, 3),
    a: DAYS[t.wd].slice(0, 3), A: DAYS[t.wd], b: MONTHS[t.mo - 1].slice(0, 3), B: MONTHS[t.mo - 1],
    z: off, Z: timeZone === 'UTC' ? 'UTC' : timeZone, '%': '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => codes[c] ?? all);
}

export function now([format, timeZone]: [string?, string?]): string {
  const zone = timeZone || process.env.TIME_ZONE || 'UTC';
  try {
    return strftime(new Date(), format ?? '%Y-%m-%dT%H:%M:%SZ', zone);
  } catch {
    throw new Error(`unknown time zone: ${zone}`);
  }
}
