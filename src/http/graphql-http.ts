// /graphql over HTTP: the request handed to Apollo as its HTTP interface takes it, and its
// answer written by sendText, as the dialects' are. Express's send (which the stock express
// integration calls) would parse and re-format the content type and copy every answer into a
// Buffer first; only the two JSON types Apollo answers with take this path, anything else
// still goes through express's send.
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Request, Response } from 'express';
import { JSON_UTF8, sendText } from './send';

const WRITTEN_DIRECTLY = new Set([JSON_UTF8, 'application/graphql-response+json; charset=utf-8']);

/** The query string of a request target, with its `?` ('' without one), as url.parse names it. */
function searchOf(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  const hash = url.indexOf('#', q);
  return hash < 0 ? url.slice(q) : url.slice(q, hash);
}

export function graphqlHttp<C extends BaseContext>(apollo: ApolloServer<C>, context: (req: Request, res: Response) => Promise<C>) {
  apollo.assertStarted('graphqlHttp()');
  return async (req: Request, res: Response): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: searchOf(req.url), body: req.body },
      context: () => context(req, res),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    const status = answer.status || 200;
    if (answer.body.kind === 'complete') {
      const type = answer.headers.get('content-type');
      if (type && WRITTEN_DIRECTLY.has(type)) sendText(res, status, type, answer.body.string);
      else res.status(status).send(answer.body.string);
      return;
    }
    res.statusCode = status;
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
