// The JSON body of /graphql: read as text within BODY_LIMIT, then parsed in its turn (see
// heavy-turns.ts). Errors carry body-parser's types, which the GraphQL error handler renders.
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { parseInTurn } from './heavy-turns';

const isJson = (req: IncomingMessage) => {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
};

export function graphqlJsonBody(limit: string) {
  const text = express.text({ type: isJson, limit, defaultCharset: 'utf-8' });
  return (req: Request, res: Response, next: NextFunction) => {
    text(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (typeof req.body !== 'string') return next();
      const body = req.body;
      if (body.trim() === '') { req.body = {}; return next(); }
      parseInTurn(body.length, () => JSON.parse(body)).then(
        (parsed) => { req.body = parsed; next(); },
        (e: Error) => next(Object.assign(new SyntaxError(e.message), { type: 'entity.parse.failed', status: 400 })),
      );
    });
  };
}
