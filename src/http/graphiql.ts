// GraphiQL for browsers, served from the installed packages (these machines have no internet).
import express, { type Request } from 'express';
import { dirname, join } from 'node:path';

const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

export function graphiqlRouter(): express.Router {
  const r = express.Router();
  const files: Record<string, string> = {
    'react.js': join(pkgDir('react'), 'umd/react.production.min.js'),
    'react-dom.js': join(pkgDir('react-dom'), 'umd/react-dom.production.min.js'),
    'graphiql.js': join(pkgDir('graphiql'), 'graphiql.min.js'),
    'graphiql.css': join(pkgDir('graphiql'), 'graphiql.min.css'),
  };
  for (const [name, file] of Object.entries(files)) {
    r.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
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
  <script>
    // A token pasted in the Headers tab ({"Authorization": "Token <key>"}) is sent with every request.
    const fetcher = GraphiQL.createFetcher({ url: location.origin + '/graphql' });
    const root = ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: '# PeerGate GraphQL API\\n{\\n  autonomousSystems(limit: 10) {\\n    totalCount\\n    items { id asn name display }\\n  }\\n}\\n',
      headerEditorEnabled: true,
      shouldPersistHeaders: true,
    }));
  </script>
</body>
</html>`;
}
