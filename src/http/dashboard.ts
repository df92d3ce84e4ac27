// The live session dashboard: static files from web/ in the repository (plain ES
// modules, no build step, nothing from a CDN). `/` is the page, `/dashboard/*` its assets.
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** web/ beside src/ when run with tsx, or two levels up from dist/src/http when built. */
function webDir(): string {
  const candidates = [join(__dirname, '../../web'), join(__dirname, '../../../web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

// Everything from this origin only: the page works offline and cannot be made to load foreign scripts.
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function dashboardRouter(): express.Router {
  const dir = webDir();
  const r = express.Router();
  r.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  r.use('/dashboard', express.static(dir, { index: false, maxAge: 0, setHeaders: (res) => res.setHeader('Content-Security-Policy', CSP) }));
  return r;
}
