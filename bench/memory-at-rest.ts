/**
 * Memory read "at rest", as B5 and B8 read it: after full collections, and once V8 has shrunk its
 * young generation back. Objects that survive their first collections make V8 grow the young
 * generation (up to 16 MiB here), and it gives that memory back only when allocation has stopped
 * for a few seconds (its "memory reducer"): read at once, rss would count that nursery, which
 * does not grow with what the program holds. Needs `node --expose-gc`.
 */
import { getHeapSpaceStatistics } from 'node:v8'
import { setTimeout as sleep } from 'node:timers/promises'

/** Full collections (three, so that what finalizers freed goes too). */
export const collect = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('reading memory at rest needs node --expose-gc')
  for (let i = 0; i < 3; i++) gc()
}

const youngGeneration = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0

/**
 * The size the young generation goes back to at rest: V8's smallest on 64-bit machines, 1 MiB
 * (it starts larger while loading). Read once, when the program starts.
 */
export const restingYoungGeneration = (): number => {
  collect()
  return Math.min(youngGeneration(), 1 << 20)
}

/** Memory once at rest, and how long it took to get there. */
export interface AtRest {
  readonly memory: NodeJS.MemoryUsage
  readonly waitedMs: number
}

/**
 * Full collections, then wait (up to `limitMs`) until the young generation is back at its
 * resting size and memory has settled.
 */
export const atRest = async (restingYoung: number, limitMs: number): Promise<AtRest> => {
  const started = performance.now()
  collect()
  while (youngGeneration() > restingYoung && performance.now() - started < limitMs) {
    await sleep(250)
    collect()
  }
  return { memory: process.memoryUsage(), waitedMs: Math.round(performance.now() - started) }
}
