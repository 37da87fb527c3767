import type { FlashPartition } from '../../hal/flash';
import type { BlockScan } from './block-scan';
import { excusedBlockOf } from './block-scan';
import type { ChunkRef, Entry } from './object-chunk';
import { DELETED, HEADER_BYTES, assemblePayload, covers, keyIn, mapKey } from './object-chunk';

/** A key whose newest version on flash could not be read back whole. */
export interface LostVersion {
  kind: number;
  key: string;
  /** The lost version was a deletion (the key may have come back with an older value). */
  deletion: boolean;
  /** What is in force instead: an older version (true) or nothing (false). */
  olderInForce: boolean;
}

/** What the mount scan of the object store found: the index and where to write next. */
export interface Catalog {
  headBlock: number;
  /** Where the head block may be written after. */
  headEnd: number;
  /** The highest version or copy number found, plus one. */
  nextSeq: number;
  /** Used blocks without one intact chunk, erased. */
  blocksErased: number;
  blocksDamaged: number;
  /** By kind, then key. */
  lost: LostVersion[];
}

interface VersionHeader {
  kind: number;
  payloadLength: number;
  payloadCrc: number;
  key: string | null;
}

/**
 * Mount (boot time): scans every block, erases the used ones without one intact chunk, seals a
 * torn tail, and fills `entries` (by mapKey) and `byVersion` with the newest whole version of
 * each key. The newest version of a key that is not whole is lost unless a power cut explains it.
 */
export function readCatalog(flash: FlashPartition, firstBlock: number, blockCount: number, scan: BlockScan, erased: Uint8Array, gcGapBlocks: number, entries: Map<string, Entry>, byVersion: Map<number, Entry>): Catalog {
  const blockLength = flash.blockLength;
  const chunksByVersion = new Map<number, ChunkRef[]>();
  const headerOf = new Map<number, VersionHeader>();
  let newestCopy = 0;
  let newestOffset = 0;
  let newestSeq = 0;
  let headBlock = 0;
  let headEnd = 0;
  for (let i = 0; i < blockCount; i++) {
    const base = (firstBlock + i) * blockLength;
    const block = flash.read(base, blockLength);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const used = scan.mount(i, block, view);
    erased[i] = used ? 0 : 1;
    if (!used) continue;
    let holdsNewest = false;
    while (scan.next()) {
      const at = scan.at;
      const version = view.getUint32(at + 4, true);
      const copy = view.getUint32(at + 8, true);
      const payloadOffset = view.getUint32(at + 12, true);
      const payloadLength = view.getUint32(at + 16, true);
      const payloadCrc = view.getUint32(at + 20, true);
      const dataLength = view.getUint16(at + 24, true);
      let header = headerOf.get(version);
      if (header === undefined) {
        header = { kind: block[at + 2], payloadLength, payloadCrc, key: null };
        headerOf.set(version, header);
      }
      // Chunks of one version agree on these; one that does not is not used.
      if (header.kind === block[at + 2] && header.payloadLength === payloadLength && header.payloadCrc === payloadCrc) {
        if (payloadOffset === 0 && header.key === null) header.key = keyIn(block, at + HEADER_BYTES, dataLength);
        const ref: ChunkRef = { block: i, at: base + at, copy, payloadOffset, dataLength };
        const list = chunksByVersion.get(version);
        if (list === undefined) chunksByVersion.set(version, [ref]);
        else list.push(ref);
      }
      // The last chunk written is the newest copy's furthest one.
      if (copy > newestCopy || (copy === newestCopy && payloadOffset >= newestOffset)) {
        newestCopy = copy;
        newestOffset = payloadOffset;
        holdsNewest = true;
      }
      if (version > newestSeq) newestSeq = version;
    }
    if (scan.scans.lastEnd[i] >= 0 && holdsNewest) {
      headBlock = i;
      headEnd = scan.usedEnd;
    }
  }
  const blocksErased = scan.settle(flash, firstBlock, headBlock, gcGapBlocks, erased);
  const blocksDamaged = scan.blocksDamaged;
  const excusedBlock = excusedBlockOf(scan.scans, headBlock, gcGapBlocks);

  // Newest whole version of each key, newest first so older ones are only read when needed.
  const versions = [...chunksByVersion.keys()].sort((a, b) => b - a);
  // The newest version of a key that is not whole is lost, unless a power cut explains it: a put
  // cut short, or a version seen only in the block a cut may have torn.
  const lostByName = new Map<string, LostVersion>();
  for (const version of versions) {
    const header = headerOf.get(version) as VersionHeader;
    if (header.key === null) continue;
    const kind = header.kind & ~DELETED;
    const name = mapKey(kind, header.key);
    if (entries.has(name)) continue;
    const chunks = chunksByVersion.get(version) as ChunkRef[];
    const entry: Entry = { kind, key: header.key, version, deleted: (header.kind & DELETED) !== 0, payloadLength: header.payloadLength, payloadCrc: header.payloadCrc, chunks };
    if (!covers(chunks, header.payloadLength) || assemblePayload(flash, entry) === null) {
      // A put cut short: the newest version, a part of its first copy only, and no damage anywhere else.
      const tornPut = blocksDamaged === 0 && version === newestSeq && chunks.every((chunk) => chunk.copy === version);
      const explained = tornPut || chunks.every((chunk) => chunk.block === excusedBlock);
      if (!explained && !lostByName.has(name)) lostByName.set(name, { kind, key: header.key, deletion: entry.deleted, olderInForce: false });
      continue;
    }
    const lost = lostByName.get(name);
    if (lost !== undefined) lost.olderInForce = !entry.deleted;
    entries.set(name, entry);
    byVersion.set(version, entry);
  }
  const lost = [...lostByName.values()].sort((a, b) => a.kind - b.kind || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { headBlock, headEnd, nextSeq: Math.max(newestCopy, newestSeq) + 1, blocksErased, blocksDamaged, lost };
}
