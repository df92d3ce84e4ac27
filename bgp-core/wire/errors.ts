import { errorCodeName, errorSubcodeName } from './constants';

/**
 * A protocol error that must be answered with a NOTIFICATION and a session reset.
 * Decoders throw only this type; callers turn it into the NOTIFICATION it carries.
 */
export class BgpError extends Error {
  readonly code: number;
  readonly subcode: number;
  readonly data: Buffer;

  constructor(code: number, subcode: number, data: Buffer = Buffer.alloc(0), detail?: string) {
    const base = `${errorCodeName(code)} / ${errorSubcodeName(code, subcode)}`;
    super(detail ? `${base}: ${detail}` : base);
    this.name = 'BgpError';
    this.code = code;
    this.subcode = subcode;
    this.data = data;
  }
}

/** Raised when API input (JSON attributes, prefixes) cannot be encoded; maps to HTTP 400. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value & 0xffff, 0);
  return b;
}
