/**
 * Writes small MaxMind DB (mmdb, format 2.0) files for tests, so readers are tested against real files
 * without shipping a binary fixture or a writer dependency. Format: https://maxmind.github.io/MaxMind-DB/
 *
 * An IPv6 search tree (IPv4 networks live under ::/96, where readers look for IPv4 addresses) or an
 * IPv4-only one, 24-bit
 * records, then 16 zero bytes, the data section, and the metadata after its marker. Records may hold
 * strings, unsigned integers (uint16/uint32 by size), doubles and nested maps: what GeoIP databases use.
 */
import { isIPv4 } from 'node:net';
import { ipv6Hextets } from '../../src/signals/network.js';

export type MmdbValue = string | number | { [key: string]: MmdbValue };
export type MmdbRecord = { [key: string]: MmdbValue };

interface TrieNode {
  children: [TrieNode | MmdbRecord | null, TrieNode | MmdbRecord | null];
}

const METADATA_MARKER = Buffer.from('ABCDEF4D61784D696E642E636F6D', 'hex');
const RECORD_BYTES = 3;

/** The network's address as 128 bits (IPv4 mapped to ::a.b.c.d) and its prefix length among them. */
function bitsOf(cidr: string): { bits: number[]; length: number } {
  const [address, prefix] = cidr.split('/') as [string, string | undefined];
  const v4 = isIPv4(address);
  const bytes: number[] = v4
    ? [...new Array<number>(12).fill(0), ...address.split('.').map(Number)]
    : ipv6Hextets(address)!.flatMap((h) => [h >> 8, h & 0xff]);
  if (bytes.length !== 16) throw new Error(`not an IP network: ${cidr}`);
  const length = (v4 ? 96 : 0) + Number(prefix ?? (v4 ? 32 : 128));
  const bits = bytes.flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> (7 - i)) & 1));
  return { bits, length };
}

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const head = (extended ? 0 : type << 5) | (size < 29 ? size : size < 285 ? 29 : size < 65_821 ? 30 : 31);
  const typeByte = extended ? [type - 7] : [];
  let sizeBytes: number[] = [];
  if (size >= 65_821)
    sizeBytes = [(size - 65_821) >> 16, ((size - 65_821) >> 8) & 0xff, (size - 65_821) & 0xff];
  else if (size >= 285) sizeBytes = [(size - 285) >> 8, (size - 285) & 0xff];
  else if (size >= 29) sizeBytes = [size - 29];
  return Buffer.from([head, ...typeByte, ...sizeBytes]);
}

function unsigned(type: number, value: number | bigint): Buffer {
  const bytes: number[] = [];
  for (let v = BigInt(value); v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

/** What the metadata needs besides record values: an array (languages) and a uint64 (build_epoch). */
type Encodable = string | number | bigint | Encodable[] | { [key: string]: Encodable };

function encode(value: Encodable): Buffer {
  if (typeof value === 'bigint') return unsigned(9, value); // uint64
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, text.length), text]);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32)
      return unsigned(value < 2 ** 16 ? 5 : 6, value);
    const double = Buffer.alloc(8);
    double.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), double]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/** An mmdb file mapping each network (CIDR, IPv4 or IPv6) to its record. Later networks may nest. */
export function buildMmdb(
  networks: readonly { network: string; record: MmdbRecord }[],
  databaseType = 'Riskgate-Test',
  /** 4: an IPv4-only tree (32 bits deep, IPv4 networks only), as some free ASN files are. */
  ipVersion: 4 | 6 = 6,
): Buffer {
  const root: TrieNode = { children: [null, null] };
  for (const { network, record } of networks) {
    const full = bitsOf(network);
    if (ipVersion === 4 && !isIPv4(network.split('/')[0]!)) throw new Error(`not IPv4: ${network}`);
    const { bits, length } = ipVersion === 4 ? { bits: full.bits.slice(96), length: full.length - 96 } : full;
    let node = root;
    for (let depth = 0; depth < length - 1; depth++) {
      const bit = bits[depth] as 0 | 1;
      const child = node.children[bit];
      if (child === null || !('children' in child)) {
        // A record met on the way (a covering network): the new node keeps it on both sides.
        const next: TrieNode = { children: [child, child] };
        node.children[bit] = next;
        node = next;
      } else node = child as TrieNode;
    }
    node.children[bits[length - 1] as 0 | 1] = record;
  }

  // Number the nodes breadth-first; encode each distinct record once in the data section.
  const nodes: TrieNode[] = [];
  for (let queue: TrieNode[] = [root]; queue.length > 0;) {
    const node = queue.shift()!;
    nodes.push(node);
    for (const child of node.children)
      if (child !== null && 'children' in child) queue.push(child as TrieNode);
  }
  const dataParts: Buffer[] = [];
  const offsets = new Map<MmdbRecord, number>();
  let dataLength = 0;
  const recordValue = (child: TrieNode | MmdbRecord | null): number => {
    if (child === null) return nodes.length; // "no data"
    if ('children' in child) return nodes.indexOf(child as TrieNode);
    const record = child as MmdbRecord;
    let offset = offsets.get(record);
    if (offset === undefined) {
      offset = dataLength;
      const encoded = encode(record);
      dataParts.push(encoded);
      dataLength += encoded.length;
      offsets.set(record, offset);
    }
    return nodes.length + 16 + offset;
  };
  const tree = Buffer.alloc(nodes.length * 2 * RECORD_BYTES);
  nodes.forEach((node, i) => {
    tree.writeUIntBE(recordValue(node.children[0]), i * 6, RECORD_BYTES);
    tree.writeUIntBE(recordValue(node.children[1]), i * 6 + RECORD_BYTES, RECORD_BYTES);
  });
  const metadata = encode({
    node_count: nodes.length,
    record_size: 24,
    ip_version: ipVersion,
    database_type: databaseType,
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    description: { en: 'Riskgate test database' },
    languages: ['en'],
    build_epoch: 1_700_000_000n,
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataParts, METADATA_MARKER, metadata]);
}
