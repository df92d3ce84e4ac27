// Swagger UI for /api/schema/, served from the installed swagger-ui-dist package
// (these machines have no internet, so never a CDN). Nothing the page loads or calls
// leaves this origin: the validator badge (which sends the document to an outside
// validator for any host but localhost) is off, and the page has no inline script.
import express from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const BASE = '/api/schema/swagger-ui';

export function swaggerPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PeerGate API — Swagger UI</title>
  <link rel="stylesheet" href="${BASE}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${BASE}/swagger-ui-bundle.js"></script>
  <script src="${BASE}/swagger-ui-standalone-preset.js"></script>
  <script src="${BASE}/peergate-init.js"></script>
</body>
</html>`;
}

/** The page's script: Swagger UI on the served document, validator off. */
export function swaggerInit(specUrl: string): string {
  return `'use strict';
window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(specUrl)},
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: true,
  validatorUrl: null,
});
`;
}

/** Static assets (CSS, bundles) of swagger-ui-dist; the index page and its script are ours. */
export function swaggerAssets(): express.Handler {
  return express.static(getAbsoluteFSPath(), { index: false, maxAge: '1d' });
}
