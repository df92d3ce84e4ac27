// A request body, read the one way every surface reads it: as text within the body limit
// (BODY_LIMIT), then parsed as JSON in its turn (heavy-turns.ts), with nesting checked on the
// text first so a body 100,000 levels deep is never built. What goes wrong is a BodyError
// whose fault each surface words in its own shape and status.
import express, { type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { parseInTurn } from './heavy-turns';
import { jsonTextDepthExceeds } from '../domain/values';

export type BodyFault =
  | 'too-large'             // past the limit (413)
  | 'unsupported-encoding'  // a charset or content encoding the server does not decode (415)
  | 'unreadable'            // the stream broke or did not match its length (400)
  | 'too-deep'              // JSON nested past the depth asked for (400)
  | 'malformed';            // not JSON (400)

const STATUS: Record<BodyFault, number> = { 'too-large': 413, 'unsupported-encoding': 415, unreadable: 400, 'too-deep': 400, malformed: 400 };

export class BodyError extends Error {
  readonly status: number;
  constructor(readonly fault: BodyFault, message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = STATUS[fault];
  }
}

const anyType = () => true;

/**
 * The body as text, decoded by its charset (UTF-8 by default); '' when there is none, undefined
 * when `type` says the request's content type is not for this reader (the body is left unread).
 */
export async function readBodyText(req: Request, res: Response, limit: string, type: (req: IncomingMessage) => boolean = anyType): Promise<string | undefined> {
  const parser = express.text({ type, limit, defaultCharset: 'utf-8' });
  try {
    await new Promise<void>((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  } catch (e) {
    const err = e as { type?: string; message?: string };
    if (err?.type === 'entity.too.large') throw new BodyError('too-large', err.message ?? 'request entity too large');
    if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') throw new BodyError('unsupported-encoding', err.message ?? 'unsupported encoding');
    throw new BodyError('unreadable', err?.message ?? String(e));
  }
  if (typeof req.body === 'string') return req.body;
  return type === anyType ? '' : undefined;
}

/** JSON text -> its value, in its turn; with `maxDepth`, deeper nesting is refused on the text. */
export function parseJsonInTurn(text: string, maxDepth?: number): Promise<unknown> {
  return parseInTurn(text.length, () => {
    if (maxDepth !== undefined && jsonTextDepthExceeds(text, maxDepth)) throw new BodyError('too-deep', `nested deeper than ${maxDepth} levels`);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new BodyError('malformed', (e as Error).message);
    }
  });
}
