import { randomBytes, randomInt } from 'node:crypto';
import {
  decryptArista,
  decryptCisco7,
  decryptJuniper9,
  decryptPassword,
  encryptArista,
  encryptCisco7,
  encryptJuniper9,
  encryptPassword,
} from '../../src/workflows/ciphers';

describe('Cisco type 7 (spec §5 vectors)', () => {
  const vectors: [string, number, string][] = [
    ['cisco', 2, '7 02050D480809'],
    ['mypassword', 4, '7 045612160E325F59060B01'],
    ['Peering-2024!', 9, '7 097C4B0C0B0C1915465E54787F65'],
  ];
  it.each(vectors)('%s with salt %d', (plain, salt, cipher) => {
    expect(encryptCisco7(plain, salt)).toBe(cipher);
    expect(decryptCisco7(cipher)).toBe(plain);
  });
  it('decrypts the check value', () => expect(decryptCisco7('7 0822455D0A16')).toBe('cisco'));
  it('rejects a malformed value', () => expect(() => decryptCisco7('7 0Z')).toThrow('Invalid Encrypted String'));
});

describe('Juniper $9$ (spec §5 vectors)', () => {
  const vectors: [string, string, string][] = [
    ['mypassword', '192.0.2.1', '$9$ikPQtu1IhrqmBEyrLXk.PQnCp0ISyK'],
    ['mypassword', '192.0.2.1/31', '$9$qmT30BEhyKP5RSeK7NmfT39pO1hleW'],
    ['s3cr3t-MD5', '2001:db8::1', '$9$lqlMxds24ZGiwY5Qz3puevM87dY2oDHq'],
    ['lc', '198.51.100.7', '$9$Wzx87VY2a'],
  ];
  it.each(vectors)('%s keyed by %s', (plain, key, cipher) => {
    expect(encryptJuniper9(plain, key)).toBe(cipher);
    expect(decryptJuniper9(cipher)).toBe(plain);
  });
  it('decrypts the check value', () => expect(decryptJuniper9('$9$LbHX-wg4Z')).toBe('lc'));
  it('rejects characters outside the alphabet', () => expect(() => decryptJuniper9('$9$Wzx8!Y2a')).toThrow('Invalid Encrypted String'));
});

describe('Arista type 7 (spec §5 vectors)', () => {
  const vectors: [string, string, string][] = [
    ['mypassword', '192.0.2.1', '7 y+H7lLFzp/YsDHHDOkvsCg=='],
    ['s3cr3t-MD5', '2001:db8::1', '7 JsnCxLW0OvzBGLsXazFnvQ=='],
    ['x', '198.51.100.7', '7 FbHmvTG5R2Q='],
  ];
  it.each(vectors)('%s keyed by %s', (plain, key, cipher) => {
    expect(encryptArista(plain, key)).toBe(cipher);
    expect(decryptArista(cipher, key)).toBe(plain);
  });
  it('a wrong key fails the signature check', () =>
    expect(() => decryptArista('7 y+H7lLFzp/YsDHHDOkvsCg==', '192.0.2.2')).toThrow('Invalid Encrypted String'));
});

describe('common rules', () => {
  const algorithms = ['cisco-type7', 'juniper-type9', 'arista-type7'];
  it.each(algorithms)('%s: "" stays "", prefixed input is not re-encrypted, unprefixed input is not decrypted', (alg) => {
    expect(encryptPassword(alg, '', '192.0.2.1')).toBe('');
    const once = encryptPassword(alg, 'secret', '192.0.2.1');
    expect(once).not.toBe('secret');
    expect(encryptPassword(alg, once, '192.0.2.1')).toBe(once);
    expect(decryptPassword(alg, 'plain', '192.0.2.1')).toBe('plain');
  });
  it('blank or unknown algorithm copies the clear text', () => {
    expect(encryptPassword('', 'secret')).toBe('secret');
    expect(encryptPassword('rot13', 'secret')).toBe('secret');
  });
  it.each(algorithms)('%s: randomised round trips', (alg) => {
    for (let n = 0; n < 200; n++) {
      const plain = randomBytes(randomInt(1, 40)).toString('base64').replace(/^(7 |\$9\$)/, 'x');
      const key = `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(0, 256)}`;
      expect(decryptPassword(alg, encryptPassword(alg, plain, key), key)).toBe(plain);
    }
  });
});
