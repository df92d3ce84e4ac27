// GraphiQL for browsers, served from the installed packages (these machines have no internet).
// Queries and mutations go over HTTP; subscriptions over graphql-ws on the same path, with the
// installed graphql-ws client bundle. The page has no inline script (the Content-Security-Policy
// of HTML pages allows scripts from this origin only).
import express, { type Request } from 'express';
import { dirname, join } from 'node:path';

const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The fetcher: queries and mutations through GraphiQL's HTTP fetcher, subscriptions on a
 * graphql-ws client (the installed bundle). The Headers tab ({"Authorization": "Token <key>"})
 * goes with every HTTP request and, as the connection parameters, with the WebSocket: one
 * client per distinct set of headers, so a changed token opens a new connection.
 */
const INIT_JS = `'use strict';
(function () {
  var httpUrl = location.origin + '/graphql';
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
  var httpFetcher = GraphiQL.createFetcher({ url: httpUrl });
  var current = null;
  function wsClientFor(headers) {
    var key = JSON.stringify(headers || {});
    if (current && current.key === key) return current.client;
    if (current) current.client.dispose();
    current = { key: key, client: graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: headers || {}, retryAttempts: 0 }) };
    return current.client;
  }
  // The operation types of a document's top-level definitions, by name (comments, strings
  // and selection sets skipped): GraphiQL's parsed document is not always there yet when
  // the run button is pressed right after an edit.
  function operations(text) {
    var ops = [], depth = 0, i = 0, words = [];
    while (i < text.length) {
      var c = text[i];
      if (c === '#') { while (i < text.length && text[i] !== '\\n') i++; continue; }
      if (c === '"') {
        if (text.substr(i, 3) === '"""') { var end = text.indexOf('"""', i + 3); i = end < 0 ? text.length : end + 3; continue; }
        i++; while (i < text.length && text[i] !== '"' && text[i] !== '\\n') { if (text[i] === '\\\\') i++; i++; } i++; continue;
      }
      if (c === '{') { if (depth === 0) { ops.push(words); words = []; } depth++; i++; continue; }
      if (c === '}') { depth--; i++; continue; }
      if (depth === 0 && /[_A-Za-z]/.test(c)) { var m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))[0]; words.push(m); i += m.length; continue; }
      i++;
    }
    return ops.map(function (w) {
      return { type: ['query', 'mutation', 'subscription'].indexOf(w[0]) >= 0 ? w[0] : (w[0] === 'fragment' ? 'fragment' : 'query'), name: w[0] === 'fragment' ? null : w[1] || null };
    }).filter(function (o) { return o.type !== 'fragment'; });
  }
  function isSubscription(params) {
    var ops = operations(params.query || '');
    var op = params.operationName ? ops.filter(function (o) { return o.name === params.operationName; })[0] : ops[0];
    return !!op && op.type === 'subscription';
  }
  function fetcher(params, opts) {
    if (!isSubscription(params)) return httpFetcher(params, opts);
    return wsClientFor(opts && opts.headers).iterate({ query: params.query, variables: params.variables || undefined, operationName: params.operationName || undefined });
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: '# PeerGate GraphQL API\\n{\\n  autonomousSystems(limit: 10) {\\n    totalCount\\n    items { id asn name display }\\n  }\\n}\\n',
    headerEditorEnabled: true,
    shouldPersistHeaders: true,
  }));
})();
`;

export function graphiqlRouter(): express.Router {
  const r = express.Router();
  const files: Record<string, string> = {
    'react.js': join(pkgDir('react'), 'umd/react.production.min.js'),
    'react-dom.js': join(pkgDir('react-dom'), 'umd/react-dom.production.min.js'),
    'graphiql.js': join(pkgDir('graphiql'), 'graphiql.min.js'),
    'graphiql.css': join(pkgDir('graphiql'), 'graphiql.min.css'),
    'graphql-ws.js': join(pkgDir('graphql-ws'), 'umd/graphql-ws.min.js'),
  };
  for (const [name, file] of Object.entries(files)) {
    r.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
  r.get('/init.js', (_req, res) => { res.type('application/javascript').set('Cache-Control', 'no-cache').send(INIT_JS); });
  return r;
}

export function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

export function graphiqlPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>PeerGate GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script src="/graphiql/graphql-ws.js"></script>
  <script src="/graphiql/init.js"></script>
</body>
</html>`;
}
