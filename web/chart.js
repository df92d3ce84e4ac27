// A tiny step chart of received prefixes over time, as inline SVG (no library).
const NS = 'http://www.w3.org/2000/svg';
export const MAX_POINTS = 120;

/** @param {{ t: number, v: number }[]} points oldest first */
export function sparkline(points, width = 140, height = 28) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const last = points.length ? points[points.length - 1].v : 0;
  const max = Math.max(1, ...points.map((p) => p.v));
  svg.setAttribute('aria-label', points.length > 1
    ? `Received prefixes over ${points.length} samples: from ${points[0].v} to ${last}, peak ${max}`
    : `Received prefixes: ${last}`);
  const base = document.createElementNS(NS, 'line');
  base.setAttribute('class', 'base');
  base.setAttribute('x1', '0'); base.setAttribute('x2', String(width));
  base.setAttribute('y1', String(height - 1)); base.setAttribute('y2', String(height - 1));
  svg.appendChild(base);
  if (!points.length) return svg;
  // Right-aligned at now; the window grows with the history from half a minute up to fifteen minutes.
  const now = Date.now();
  const span = Math.min(15 * 60_000, Math.max(30_000, now - points[0].t));
  const x = (t) => Math.max(1, width - 1 - ((now - t) / span) * (width - 2));
  const y = (v) => height - 2 - (v / max) * (height - 4);
  const coords = [];
  for (let i = 0; i < points.length; i++) {
    if (i > 0) coords.push(`${x(points[i].t).toFixed(1)},${y(points[i - 1].v).toFixed(1)}`);
    coords.push(`${x(points[i].t).toFixed(1)},${y(points[i].v).toFixed(1)}`);
  }
  coords.push(`${x(now).toFixed(1)},${y(last).toFixed(1)}`);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('points', coords.join(' '));
  svg.appendChild(line);
  const title = document.createElementNS(NS, 'title');
  title.textContent = svg.getAttribute('aria-label');
  svg.appendChild(title);
  return svg;
}
