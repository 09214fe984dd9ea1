// Ids that sort by creation time (UUID version 7, RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random
// bits. The event store keeps a UNIQUE index on event ids (idempotent retries, duplicate detection): with random
// (version 4) ids each append of a group commit lands on its own page of that index, which made a group of 64
// appends write about 64 index pages instead of a few. Time-ordered ids land at the index's right edge. The same
// holds for the read models' `_id` indexes, so every id the backend makes is one of these. They reveal when
// they were made, which the events and documents they name already record.
import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function timeOrderedUuid(now = Date.now()): string {
  // Random bytes drawn 4 KiB at a time, as node's randomUUID does: one system call per 256 ids.
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(16 * next, 16 * ++next);
  // Milliseconds in bytes 0–5 (big-endian), version 7 in the high nibble of byte 6, variant 10 in byte 8.
  const high = Math.floor(now / 0x1_0000_0000);
  const low = now >>> 0;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  return (
    HEX[b[0]] + HEX[b[1]] + HEX[b[2]] + HEX[b[3]] + '-' + HEX[b[4]] + HEX[b[5]] + '-' + HEX[b[6]] + HEX[b[7]] + '-' +
    HEX[b[8]] + HEX[b[9]] + '-' + HEX[b[10]] + HEX[b[11]] + HEX[b[12]] + HEX[b[13]] + HEX[b[14]] + HEX[b[15]]
  );
}
