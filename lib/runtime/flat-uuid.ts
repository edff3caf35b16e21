/**
 * Random (version 4) UUIDs as flat strings. A live process holds its pid for as long as it lives,
 * and the usual ways of making a UUID (the `uuid` package, `crypto.randomUUID`) build it by
 * concatenation, which V8 keeps as a rope of about fifteen string nodes: 490 bytes for 36
 * characters. Written into a buffer and read back once, the same UUID is one flat string of
 * 56 bytes (BENCH.md B5 counts the memory of every live process).
 */
import { randomFillSync } from 'node:crypto'

const HEX = Buffer.from('0123456789abcdef', 'latin1')
/** Random bytes for 256 UUIDs, drawn at once: one call into the system's generator each time. */
const pool = Buffer.alloc(4096)
let used = pool.length
const text = Buffer.alloc(36)

/** A random RFC 4122 version 4 UUID, lowercase, as a flat string. */
export const flatUuid = (): string => {
  if (used === pool.length) {
    randomFillSync(pool)
    used = 0
  }
  let at = 0
  for (let i = 0; i < 16; i++) {
    let byte = pool[used + i] as number
    if (i === 6)
      byte = (byte & 0x0f) | 0x40 // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80 // the RFC 4122 variant
    text[at++] = HEX[byte >> 4] as number
    text[at++] = HEX[byte & 0x0f] as number
    if (i === 3 || i === 5 || i === 7 || i === 9) text[at++] = 0x2d // '-'
  }
  used += 16
  return text.toString('latin1', 0, 36)
}
