// Swagger UI for /api/schema/, served from the installed swagger-ui-dist package
// (these machines have no internet, so never a CDN).
import express from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

export function swaggerPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PeerGate API — Swagger UI</title>
  <link rel="stylesheet" href="/api/schema/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/schema/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/api/schema/swagger-ui/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: ${JSON.stringify(specUrl)},
      dom_id: '#swagger-ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
      persistAuthorization: true,
    });
  </script>
</body>
</html>`;
}

/** Static assets (CSS, bundles) of swagger-ui-dist; the index page is ours. */
export function swaggerAssets(): express.Handler {
  return express.static(getAbsoluteFSPath(), { index: false, maxAge: '1d' });
}
