/** Password ciphers by a platform's `password_algorithm` (spec pm-workflows §5). */
import { decryptArista, encryptArista } from './arista';
import { decryptCisco7, encryptCisco7 } from './cisco7';
import { decryptJuniper9, encryptJuniper9 } from './juniper9';

export { decryptArista, decryptCisco7, decryptJuniper9, encryptArista, encryptCisco7, encryptJuniper9 };

const PREFIXES: Record<string, string> = { 'cisco-type7': '7 ', 'juniper-type9': '$9$', 'arista-type7': '7 ' };

/** Encrypts with the platform algorithm; blank or unknown algorithm → the clear text, as PM does. `key` is the session IP. */
export function encryptPassword(algorithm: string, plaintext: string, key?: string): string {
  switch (algorithm) {
    case 'cisco-type7':
      return encryptCisco7(plaintext);
    case 'juniper-type9':
      return encryptJuniper9(plaintext, key);
    case 'arista-type7':
      if (key === undefined) throw new Error('Arista type 7 needs the neighbour IP as key');
      return encryptArista(plaintext, key);
    default:
      return plaintext;
  }
}

/** Decrypts with the platform algorithm; throws 'Invalid Encrypted String' on a malformed value. */
export function decryptPassword(algorithm: string, ciphertext: string, key?: string): string {
  switch (algorithm) {
    case 'cisco-type7':
      return decryptCisco7(ciphertext);
    case 'juniper-type9':
      return decryptJuniper9(ciphertext);
    case 'arista-type7':
      if (key === undefined) throw new Error('Arista type 7 needs the neighbour IP as key');
      return decryptArista(ciphertext, key);
    default:
      return ciphertext;
  }
}

/** Whether a stored value is in the platform's format (PM re-encrypts when it is not). */
export function isInPlatformFormat(algorithm: string, value: string): boolean {
  const prefix = PREFIXES[algorithm];
  return prefix === undefined ? true : value.startsWith(prefix);
}
