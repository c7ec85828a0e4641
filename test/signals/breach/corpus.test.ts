import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha1Hex, writeCorpus, type CorpusEntry } from '../../../src/signals/breach/build.js';
import { BreachCorpus, type CorpusReader } from '../../../src/signals/breach/corpus.js';

/** The error a promise rejects with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const ENTRIES: CorpusEntry[] = Array.from({ length: 3000 }, (_, i) => ({
  password: `pw-${i}`,
  count: i + 1,
}));
const COUNT_OF = new Map(ENTRIES.map((e) => [sha1Hex(e.password), e.count]));
const SORTED = [...COUNT_OF.keys()].sort();
const FIRST = SORTED[0]!;
const LAST = SORTED[SORTED.length - 1]!;
const MIDDLE = SORTED[Math.floor(SORTED.length / 2)]!;

/** The hash one above `hash` (never in the corpus unless it is the next line, which we check). */
function successor(hash: string): string {
  return (BigInt(`0x${hash}`) + 1n).toString(16).toUpperCase().padStart(40, '0');
}

/** Counts reads and the largest one, through the real FileHandle. */
class CountingReader implements CorpusReader {
  reads = 0;
  largest = 0;
  constructor(private readonly inner: CorpusReader) {}
  read(buffer: Uint8Array, offset: number, length: number, position: number) {
    this.reads++;
    this.largest = Math.max(this.largest, length);
    return this.inner.read(buffer, offset, length, position);
  }
  close() {
    return this.inner.close();
  }
}

async function openCounting(file: string): Promise<{ corpus: BreachCorpus; reader: CountingReader }> {
  const handle = await open(file, 'r');
  const reader = new CountingReader(handle);
  const corpus = await BreachCorpus.fromReader(reader, (await handle.stat()).size);
  return { corpus, reader };
}

describe('BreachCorpus', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-corpus-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const formats = [
    { name: 'CRLF with a trailing newline (as HIBP ships)', eol: '\r\n', trailingNewline: true },
    { name: 'CRLF without a trailing newline', eol: '\r\n', trailingNewline: false },
    { name: 'LF with a trailing newline', eol: '\n', trailingNewline: true },
    { name: 'LF without a trailing newline', eol: '\n', trailingNewline: false },
  ] as const;

  for (const format of formats) {
    describe(format.name, () => {
      let corpus: BreachCorpus;
      before(async () => {
        const file = path.join(dir, `${format.eol.length}-${format.trailingNewline}.txt`);
        expect(await writeCorpus(file, ENTRIES, format)).to.equal(ENTRIES.length);
        corpus = await BreachCorpus.open(file);
      });
      after(() => corpus.close());

      const hits: [string, () => string][] = [
        ['the first line', () => FIRST],
        ['the last line', () => LAST],
        ['a middle line', () => MIDDLE],
        ['the line after the first', () => SORTED[1]!],
        ['the line before the last', () => SORTED[SORTED.length - 2]!],
      ];
      for (const [name, hash] of hits) {
        it(`finds ${name} with its count`, async () => {
          expect(await corpus.countSha1(hash())).to.equal(COUNT_OF.get(hash()));
        });
      }

      const misses: [string, () => string][] = [
        ['below the first hash', () => '0'.repeat(40)],
        ['just below the first hash', () => (FIRST === '0'.repeat(40) ? FIRST : FIRST.slice(0, 39) + '0')],
        ['above the last hash', () => 'F'.repeat(40)],
        ['just above the last hash', () => successor(LAST)],
        ['between two neighbours', () => successor(MIDDLE)],
        ['between the first two lines', () => successor(FIRST)],
      ];
      for (const [name, hash] of misses) {
        it(`misses a hash ${name}`, async () => {
          expect(COUNT_OF.has(hash()), 'test hash must not be in the corpus').to.equal(false);
          expect(await corpus.countSha1(hash())).to.equal(0);
        });
      }

      it('finds every password by its plain text and misses one not in it', async () => {
        const sample = format.eol === '\r\n' && format.trailingNewline ? ENTRIES : ENTRIES.slice(0, 300);
        for (const { password, count } of sample)
          expect(await corpus.count(password), password).to.equal(count);
        expect(await corpus.count('pw-3000')).to.equal(0);
        expect(await corpus.count('correct horse battery staple')).to.equal(0);
      });

      it('accepts lower-case hashes and concurrent lookups', async () => {
        const results = await Promise.all(SORTED.slice(0, 50).map((h) => corpus.countSha1(h.toLowerCase())));
        expect(results).to.deep.equal(SORTED.slice(0, 50).map((h) => COUNT_OF.get(h)));
      });
    });
  }

  it('makes O(log n) small reads per lookup', async () => {
    const file = path.join(dir, 'counted.txt');
    await writeCorpus(file, ENTRIES);
    const { corpus, reader } = await openCounting(file);
    const bound = Math.ceil(Math.log2(corpus.size)) + 2;
    let worst = 0;
    for (const hash of [
      FIRST,
      LAST,
      MIDDLE,
      '0'.repeat(40),
      'F'.repeat(40),
      successor(MIDDLE),
      ...SORTED.slice(0, 200),
    ]) {
      reader.reads = 0;
      await corpus.countSha1(hash);
      worst = Math.max(worst, reader.reads);
    }
    await corpus.close();
    expect(worst).to.be.at.most(bound);
    expect(reader.largest).to.be.at.most(512);
  });

  it('answers 0 for an empty corpus', async () => {
    const file = path.join(dir, 'empty.txt');
    await writeCorpus(file, []);
    const { corpus, reader } = await openCounting(file);
    expect(await corpus.count('password')).to.equal(0);
    expect(reader.reads).to.equal(0);
    await corpus.close();
  });

  it('handles a single line with or without a newline', async () => {
    for (const text of [`${sha1Hex('password')}:42`, `${sha1Hex('password')}:42\r\n`]) {
      const file = path.join(dir, 'one.txt');
      writeFileSync(file, text);
      const corpus = await BreachCorpus.open(file);
      expect(await corpus.count('password')).to.equal(42);
      expect(await corpus.count('Password')).to.equal(0);
      await corpus.close();
    }
  });

  it('reads a hash-only list as seen once, and tolerates a byte-order mark', async () => {
    const file = path.join(dir, 'bare.txt');
    writeFileSync(file, `\uFEFF${[sha1Hex('a'), sha1Hex('b')].sort().join('\n')}\n`);
    const corpus = await BreachCorpus.open(file);
    expect([await corpus.count('a'), await corpus.count('b'), await corpus.count('c')]).to.deep.equal([
      1, 1, 0,
    ]);
    await corpus.close();
  });

  const wrongFiles: [string, string][] = [
    ['an NTLM list', '8846F7EAEE8FB117AD06BDD830B7586C:3\r\n'],
    ['a plain password list', 'password\n123456\n'],
    ['a line longer than a window', 'A'.repeat(2000)],
  ];
  for (const [name, text] of wrongFiles) {
    it(`refuses to open ${name}`, async () => {
      const file = path.join(dir, 'wrong.txt');
      writeFileSync(file, text);
      const error = await rejectionOf(BreachCorpus.open(file));
      expect(error.message).to.match(/not a breached-password corpus/);
    });
  }

  it('rejects lookups after close, and close twice is harmless', async () => {
    const file = path.join(dir, 'closed.txt');
    await writeCorpus(file, ENTRIES.slice(0, 10));
    const corpus = await BreachCorpus.open(file);
    await corpus.close();
    await corpus.close();
    expect((await rejectionOf(corpus.count('pw-1'))).message).to.match(/closed/);
  });
});

describe('writeCorpus', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-build-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes sorted upper-case "SHA-1:count" lines, adding duplicate counts', async () => {
    const file = path.join(dir, 'c.txt');
    const lines = await writeCorpus(file, [
      { password: 'password', count: 3 },
      { password: '123456', count: 5 },
      { password: 'password', count: 4 },
    ]);
    expect(lines).to.equal(2);
    const corpus = await BreachCorpus.open(file);
    expect(await corpus.count('password')).to.equal(7);
    expect(await corpus.count('123456')).to.equal(5);
    await corpus.close();
    expect(sha1Hex('password')).to.equal('5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8');
  });

  for (const count of [0, -1, 1.5, Number.NaN]) {
    it(`rejects a count of ${count}`, async () => {
      const error = await rejectionOf(writeCorpus(path.join(dir, 'bad.txt'), [{ password: 'x', count }]));
      expect(error).to.be.instanceOf(RangeError);
    });
  }
});
