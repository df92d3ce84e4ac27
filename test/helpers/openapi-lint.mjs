// Lints an OpenAPI document read from stdin as `redocly lint` does, with the repository's
// redocly.yaml (recommended rules), through @redocly/openapi-core (no network at run time),
// and prints the problems as JSON. The package is ESM only, so jest runs this as a child process.
import { fileURLToPath } from 'node:url';
import { loadConfig, lintFromString } from '@redocly/openapi-core';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const config = await loadConfig({ configPath: fileURLToPath(new URL('../../redocly.yaml', import.meta.url)) });
const problems = await lintFromString({ source: Buffer.concat(chunks).toString('utf8'), absoluteRef: 'openapi.json', config });
process.stdout.write(JSON.stringify(problems.map((p) => ({
  rule: p.ruleId, severity: p.severity, message: p.message, at: p.location?.[0]?.pointer,
}))));
