// The default webhook body, byte for byte as Peering Manager's json.dumps writes it: separators
// ", " and ": ", no indent, non-ASCII as \uXXXX; timestamps as Python's str(datetime).

/** Python json.dumps(value) with default arguments. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value instanceof Date) return pythonJson(value.toISOString());
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

/** `2023-08-07 19:30:23.140000+00:00`: Python's str() of an aware UTC datetime. */
export function pythonTimestamp(d: Date): string {
  const iso = d.toISOString(); // 2023-08-07T19:30:23.140Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00`;
}
