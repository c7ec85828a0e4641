import { expect } from 'chai';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Keys } from '../../src/crypto/keys.js';

describe('Keys (purpose-bound subkeys)', () => {
  const master = randomBytes(32);

  it('derives the HKDF-SHA256 subkey of each purpose, the same every time', () => {
    const keys = new Keys(master);
    const expected = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'riskgate:recovery-codes', 32));
    expect(keys.derive('recovery-codes').equals(expected)).to.equal(true);
    expect(keys.derive('recovery-codes').equals(expected)).to.equal(true);
    expect(keys.derive('attempt-fingerprint').equals(expected)).to.equal(false);
  });

  it('hands out copies: overwriting one does not change the key for the next caller', () => {
    const keys = new Keys(master);
    const first = keys.derive('attempt-fingerprint');
    const before = keys.hash('attempt-fingerprint', 'spray', 'hunter2');
    first.fill(0);
    expect(keys.derive('attempt-fingerprint').equals(first)).to.equal(false);
    expect(keys.hash('attempt-fingerprint', 'spray', 'hunter2')).to.equal(before);
  });

  it('keyed hashes depend on the master key, the purpose and every part', () => {
    const keys = new Keys(master);
    const other = new Keys(randomBytes(32));
    const h = keys.hash('attempt-fingerprint', 'spray', 'hunter2');
    expect(other.hash('attempt-fingerprint', 'spray', 'hunter2')).not.to.equal(h);
    expect(keys.hash('recovery-codes', 'spray', 'hunter2')).not.to.equal(h);
    expect(keys.hash('attempt-fingerprint', 'spray', 'hunter3')).not.to.equal(h);
    // Parts are separated, so moving a boundary changes the hash.
    expect(keys.hash('attempt-fingerprint', 'spr', 'ayhunter2')).not.to.equal(h);
  });

  it('a keyed hash is HMAC-SHA256 under the subkey of each part followed by a NUL (stored hashes stay valid)', () => {
    const keys = new Keys(master);
    const expected = createHmac('sha256', keys.derive('recovery-codes'))
      .update(Buffer.from('abcd-efgh\0', 'utf8'))
      .update(Buffer.from('é\0', 'utf8'))
      .digest('base64url');
    expect(keys.hash('recovery-codes', 'abcd-efgh', 'é')).to.equal(expected);
  });
});
