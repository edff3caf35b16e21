import { describe, expect, it } from 'vitest'
import { TimerQueue, type QueuedTimer } from '../../lib/runtime/timer-queue.js'

class Named implements QueuedTimer {
  queueOrder = 0
  queueIndex = -1
  constructor(
    readonly name: string,
    readonly deadline: number,
  ) {}
}

/** Every timer due at `now`, in the order the queue gives them. */
const drain = (queue: TimerQueue<Named>, now = Infinity): string[] => {
  const names: string[] = []
  for (let timer = queue.takeDue(now); timer !== undefined; timer = queue.takeDue(now))
    names.push(timer.name)
  return names
}

const addedAt = (timer: Named): number => Number(timer.name.slice(1))

/** A fixed pseudo-random sequence (a linear congruential generator), so that runs repeat. */
const numbers = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
  return seed
}

describe('TimerQueue', () => {
  it('gives timers in deadline order, ties in the order they were added', () => {
    const queue = new TimerQueue<Named>()
    for (const [name, deadline] of [
      ['c', 30],
      ['a1', 10],
      ['b', 20],
      ['a2', 10],
      ['a3', 10],
    ] as const)
      queue.add(new Named(name, deadline))
    expect(queue.size).toBe(5)
    expect(queue.next).toBe(10)
    expect(drain(queue)).toEqual(['a1', 'a2', 'a3', 'b', 'c'])
    expect(queue.size).toBe(0)
    expect(queue.next).toBeUndefined()
  })

  it('gives only what is due at `now`', () => {
    const queue = new TimerQueue<Named>()
    queue.add(new Named('early', 5))
    queue.add(new Named('late', 50))
    expect(drain(queue, 4)).toEqual([])
    expect(drain(queue, 5)).toEqual(['early'])
    expect(drain(queue, 49)).toEqual([])
    expect(drain(queue, 50)).toEqual(['late'])
  })

  it('takes a cancelled timer out at once, wherever it sits, and keeps the order of the rest', () => {
    const queue = new TimerQueue<Named>()
    const timers = Array.from({ length: 9 }, (_, i) => new Named(`t${i}`, (i * 7) % 9))
    for (const timer of timers) queue.add(timer)
    expect(queue.remove(timers[4] as Named)).toBe(true)
    expect(queue.remove(timers[0] as Named)).toBe(true)
    expect(queue.has(timers[4] as Named)).toBe(false)
    expect(queue.size).toBe(7)
    const left = timers.filter((_, i) => i !== 4 && i !== 0)
    const expected = [...left].sort((a, b) => a.deadline - b.deadline).map((t) => t.name)
    expect(drain(queue)).toEqual(expected)
  })

  it('removing a timer that fired or was removed does nothing', () => {
    const queue = new TimerQueue<Named>()
    const fired = new Named('fired', 1)
    const other = new Named('other', 2)
    queue.add(fired)
    queue.add(other)
    expect(queue.takeDue(1)).toBe(fired)
    expect(queue.remove(fired)).toBe(false)
    expect(queue.remove(other)).toBe(true)
    expect(queue.remove(other)).toBe(false)
    expect(queue.size).toBe(0)
  })

  it('takes a timer again once it has left, as the last of its ties', () => {
    const queue = new TimerQueue<Named>()
    const again = new Named('again', 10)
    queue.add(again)
    queue.add(new Named('other', 10))
    queue.remove(again)
    queue.add(again)
    expect(() => queue.add(again)).toThrow(/one queue only/)
    expect(drain(queue)).toEqual(['other', 'again'])
  })

  it('stays in order through thousands of adds and removals', () => {
    const next = numbers(42)
    const queue = new TimerQueue<Named>()
    const waiting = new Set<Named>()
    for (let i = 0; i < 5_000; i++) {
      const timer = new Named(`t${i}`, next() % 1_000)
      queue.add(timer)
      waiting.add(timer)
      if (next() % 3 === 0) {
        const victim = [...waiting][next() % waiting.size] as Named
        queue.remove(victim)
        waiting.delete(victim)
      }
    }
    const expected = [...waiting]
      .sort((a, b) => a.deadline - b.deadline || addedAt(a) - addedAt(b))
      .map((t) => t.name)
    expect(queue.size).toBe(waiting.size)
    expect(drain(queue)).toEqual(expected)
  })
})
