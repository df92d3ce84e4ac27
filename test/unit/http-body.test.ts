// src/http/body.ts: the one body reader of /graphql and the four dialects. Each fault is a
// BodyError with the status it stands for; the dialects word it (their tests check their shapes).
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { BodyError, parseJsonInTurn, readBodyText } from '../../src/http/body';

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  const jsonOnly = (req: { headers: Record<string, unknown> }) => String(req.headers['content-type']).startsWith('application/json');
  app.post('/:mode', (req, res) => {
    readBodyText(req, res, '1kb', req.params.mode === 'json-only' ? jsonOnly : undefined).then(
      (text) => res.json({ text: text ?? null }),
      (e: BodyError) => res.status(e.status).json({ fault: e.fault }),
    );
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = async (path: string, body: string | undefined, contentType = 'application/json') => {
  const r = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  return [r.status, await r.json()];
};

describe('readBodyText', () => {
  test('the text, decoded; no body is empty text', async () => {
    expect(await post('/any', '{"a": "é"}')).toEqual([200, { text: '{"a": "é"}' }]);
    expect(await post('/any', undefined)).toEqual([200, { text: '' }]);
  });

  test('a content type the reader does not take is left unread', async () => {
    expect(await post('/json-only', 'a=1', 'application/x-www-form-urlencoded')).toEqual([200, { text: null }]);
    expect(await post('/json-only', '{}')).toEqual([200, { text: '{}' }]);
  });

  test('past the limit: too-large (413); a charset it cannot decode: unsupported-encoding (415)', async () => {
    expect(await post('/any', 'x'.repeat(2048))).toEqual([413, { fault: 'too-large' }]);
    expect(await post('/any', '{}', 'application/json; charset=klingon')).toEqual([415, { fault: 'unsupported-encoding' }]);
  });
});

describe('parseJsonInTurn', () => {
  const fault = (p: Promise<unknown>) => p.then(() => null, (e: BodyError) => [e.fault, e.status, e.message]);

  test('JSON, or malformed (400) with the parser\'s message', async () => {
    expect(await parseJsonInTurn('{"a": [1]}')).toEqual({ a: [1] });
    expect(await fault(parseJsonInTurn('{"a":'))).toEqual(['malformed', 400, expect.stringMatching(/JSON/)]);
  });

  test('nesting past the depth asked for is refused on the text (400)', async () => {
    expect(await fault(parseJsonInTurn('[[[1]]]', 2))).toEqual(['too-deep', 400, 'nested deeper than 2 levels']);
    expect(await parseJsonInTurn('[[1]]', 2)).toEqual([[1]]);
  });
});
