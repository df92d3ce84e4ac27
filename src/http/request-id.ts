// X-Request-ID: a well-formed id sent by the client (or a proxy in front) is kept and echoed,
// as tracing and proxies expect; otherwise a new UUID is made. The change log's request_id
// (ObjectChange.requestId, and `createdByRequest`/`updatedByRequest` filters) is a uuid column:
// an incoming id that is a UUID is recorded there as it is; any other well-formed id is echoed
// in the header and logged, while the change records of that request get a new UUID (logged
// beside it as changeRequestId). A malformed id (empty, over 128 characters, other characters)
// is ignored and replaced, never echoed.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RequestIds {
  /** Echoed in X-Request-ID and logged. */
  requestId: string;
  /** Recorded on the request's change records (a UUID). */
  changeRequestId: string;
}

export function requestIds(header: string | string[] | undefined): RequestIds {
  const incoming = Array.isArray(header) ? undefined : header?.trim();
  if (incoming && REQUEST_ID.test(incoming)) {
    if (UUID.test(incoming)) return { requestId: incoming, changeRequestId: incoming.toLowerCase() };
    return { requestId: incoming, changeRequestId: randomUUID() };
  }
  const id = randomUUID();
  return { requestId: id, changeRequestId: id };
}
