// A small YAML block-style writer for the `as_yaml` filter (PyYAML's safe_dump shape for plain data).
const PLAIN = /^[A-Za-z_][A-Za-z0-9_ ./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  if (s !== '' && PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ')) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

export function toYaml(v: unknown, indent = 2, sortKeys = true): string {
  const pad = (n: number) => ' '.repeat(n);
  const lines: string[] = [];
  const walk = (x: unknown, level: number, inList: boolean): void => {
    if (Array.isArray(x)) {
      if (!x.length) { lines.push(`${pad(level)}[]`); return; }
      for (const item of x) {
        if (item && typeof item === 'object' && (Array.isArray(item) ? item.length : Object.keys(item).length)) {
          const start = lines.length;
          walk(item, level + 2, true);
          lines[start] = `${pad(level)}- ${lines[start].slice(level + 2)}`;
        } else lines.push(`${pad(level)}- ${item && typeof item === 'object' ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
      return;
    }
    if (x && typeof x === 'object') {
      let keys = Object.keys(x);
      if (!keys.length) { lines.push(`${pad(level)}{}`); return; }
      if (sortKeys) keys = keys.sort();
      for (const k of keys) {
        const y = (x as Record<string, unknown>)[k];
        if (y && typeof y === 'object' && (Array.isArray(y) ? y.length : Object.keys(y).length)) {
          lines.push(`${pad(level)}${scalar(k)}:`);
          walk(y, Array.isArray(y) ? level : level + indent, false);
        } else lines.push(`${pad(level)}${scalar(k)}: ${y && typeof y === 'object' ? (Array.isArray(y) ? '[]' : '{}') : scalar(y)}`);
      }
      return;
    }
    lines.push(`${pad(level)}${scalar(x)}`);
    void inList;
  };
  walk(v, 0, false);
  return `${lines.join('\n')}\n`;
}
