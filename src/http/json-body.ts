// The JSON body of /graphql: read and parsed by the body reader every surface shares (body.ts).
// Its BodyErrors reach the GraphQL error handler in app.ts, which answers in GraphQL's shape.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { parseJsonInTurn, readBodyText } from './body';

const isJson = (req: IncomingMessage) => {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
};

export function graphqlJsonBody(limit: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    readBodyText(req, res, limit, isJson)
      .then(async (text) => {
        if (text === undefined) return;
        req.body = text.trim() === '' ? {} : await parseJsonInTurn(text);
      })
      .then(() => next(), next);
  };
}
