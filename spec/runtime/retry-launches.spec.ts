import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { launch, out, race, sleep, task, toContext } from '../../lib/commands/index.js'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { loadProcess } from '../../lib/runtime/load.js'
import {
  START,
  Flake,
  backingOff,
  onTestClock,
  pendingOf,
  reloadBackingOff,
  until,
} from './retry-entry-helpers.js'

/** Fails (EXCEPTED) until it has run `failures` times for the parent named by `tag`. */
const childRuns = new Map<string, number>()

const Shaky = defineProcess({
  name: 'Shaky',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  steps: {
    run: (_ctx, { inputs }) => {
      const n = (childRuns.get(inputs.tag) ?? 0) + 1
      childRuns.set(inputs.tag, n)
      if (n <= inputs.failures) throw new Flake(`child run ${n}`)
      return out('run', n)
    },
  },
})

const Parent = defineProcess({
  name: 'Parent',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const { child } = yield* toContext({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 3, initialDelay: '1 min' } },
        ),
      })
      yield* out('run', child.run)
    },
  },
})

/** The same wait from a plain work chain step: after a reload only the snapshot's data is left. */
const PlainParent = defineWorkChain({
  name: 'PlainParent',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  context: () => ({ child: { run: 0 } }),
  steps: {
    ask: (_ctx, { inputs }) =>
      toContext({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 3, initialDelay: '1 min' } },
        ),
      }),
    finish: (ctx) => out('run', ctx.child.run),
  },
  outline: (s) => [s.ask, s.finish],
})

const childPid = (process: ProcessHandle, key: string): string | undefined => {
  const ref = pendingOf(process, key)?.ref
  return ref?._tag === 'Child' ? ref.pid : undefined
}

describe('a retry policy on an awaitable', () => {
  it('is checked where it is written, naming the awaitable and the field', () => {
    expect(() => launch(Shaky, { tag: 'x', failures: 0 }, { retry: { maxAttempts: 0 } })).toThrow(
      'launch(Shaky).retry.maxAttempts must be a whole number ≥ 1, got 0',
    )
    expect(() =>
      task(async () => 1, { retry: { maxAttempts: 2, initialDelay: 'soon' as '1s' } }),
    ).toThrow(/^task\.retry\.initialDelay: /)
  })
})

describe('a launched child with a retry policy', () => {
  it('is launched again, from the same inputs, after it EXCEPTs twice', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'twice', failures: 2 }, { runner })
    const done = parent.execute()
    const first = childPid(parent, 'child')
    await until(backingOff(parent, 'child'))
    expect(runner.get(first ?? '')?.state ?? 'EXCEPTED').toBe('EXCEPTED')
    clock.advance('1 min')
    const second = childPid(parent, 'child')
    expect(second).toBeDefined()
    expect(second).not.toBe(first)
    await until(backingOff(parent, 'child'))
    expect(pendingOf(parent, 'child')?.retry).toMatchObject({
      attempt: 3,
      deadline: START + 60_000 + 120_000,
      lastError: { name: 'Flake', message: 'child run 2' },
    })
    clock.advance('2 min')
    expect(await done).toEqual({ run: 3 })
    expect(childRuns.get('twice')).toBe(3)
  })

  it('keeps its attempt, deadline, definition and inputs in the checkpoint, and relaunches after a reload', async () => {
    const { runner: first } = onTestClock()
    const parent = Parent.create({ tag: 'reload', failures: 1 }, { runner: first, pid: 'p-reload' })
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(parent))
    const saved = await persister.loadCheckpoint('p-reload')
    const json = encodeCheckpoint(saved) as { awaiting?: unknown[] }
    expect(json.awaiting?.[0]).toEqual({
      key: 'child',
      timer: START + 60_000,
      retry: {
        n: 2,
        of: 3,
        delay: 60_000,
        factor: 2,
        until: START + 60_000,
        last: { name: 'Flake', message: 'child run 1' },
        launch: { def: 'Shaky', inputs: { tag: 'reload', failures: 1 } },
      },
    })
    const back = decodeCheckpoint(JSON.parse(JSON.stringify(json)))
    expect(back._tag === 'Right' && back.right).toEqual(saved)
    const state = saved.snapshot.state
    expect(state._tag === 'WAITING' && state.awaiting[0]?.retry).toMatchObject({
      attempt: 2,
      deadline: START + 60_000,
      relaunch: { definition: 'Shaky', inputs: { tag: 'reload', failures: 1 } },
    })

    const { clock, runner } = onTestClock(START + 30_000)
    const registry = DefinitionRegistry.of(Parent, Shaky)
    const reloaded = await loadProcess(runner, persister, registry, 'p-reload')
    const done = reloaded.stepUntilTerminated()
    clock.advance('29s')
    expect(childRuns.get('reload')).toBe(1)
    clock.advance('1s')
    await done
    expect(reloaded.outputs).toEqual({ run: 2 })
    expect(childRuns.get('reload')).toBe(2)
  })

  it('fails clearly after a reload when a plain step waits and the registry lacks the definition', async () => {
    const { runner: first } = onTestClock()
    const parent = PlainParent.create(
      { tag: 'lacks', failures: 1 },
      { runner: first, pid: 'p-lacks' },
    )
    void parent.execute().catch(() => {})
    const registry = DefinitionRegistry.of(PlainParent)
    const { clock, reloaded } = await reloadBackingOff(parent, 'child', registry, START + 60_000)
    const done = reloaded.stepUntilTerminated()
    clock.advance(0)
    await done
    const state = reloaded.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.message).toBe(
      "entry 'child' failed on attempt 2 of 3, not retried (its definition is not in the " +
        "registry): entry 'child' cannot launch Shaky again: no definition of that name is " +
        'registered with the registry process p-lacks was loaded from',
    )
  })

  it('is launched again after a reload from the definition name and inputs when a plain step waits', async () => {
    const { runner: first } = onTestClock()
    const parent = PlainParent.create(
      { tag: 'plain', failures: 1 },
      { runner: first, pid: 'p-plain' },
    )
    void parent.execute().catch(() => {})
    const registry = DefinitionRegistry.of(PlainParent, Shaky)
    const { clock, reloaded } = await reloadBackingOff(parent, 'child', registry, START + 60_000)
    const done = reloaded.stepUntilTerminated()
    clock.advance(0)
    await done
    expect(reloaded.outputs).toEqual({ run: 2 })
  })

  it('holds a due backoff while paused, and launches again on play', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'paused', failures: 1 }, { runner })
    const done = parent.execute()
    await until(backingOff(parent, 'child'))
    expect(await parent.pause()).toBe(true)
    clock.advance('5 min')
    expect(childRuns.get('paused')).toBe(1)
    expect(backingOff(parent, 'child')()).toBe(true)
    parent.play()
    expect(await done).toEqual({ run: 2 })
  })

  it('clears the backoff of a killed parent, and launches nothing more', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'killed', failures: 1 }, { runner })
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    expect(clock.pending).toBe(1)
    expect(await parent.kill('enough')).toBe(true)
    expect(clock.pending).toBe(0)
    clock.advance('5 min')
    await until(() => false)
    expect(childRuns.get('killed')).toBe(1)
  })
})

/** Races a retried child against a timer. */
const Racer = defineProcess({
  name: 'Racer',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { winner: output(t.string) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const won = yield* race({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 5, initialDelay: '1 min' } },
        ),
        late: sleep('90s'),
      })
      yield* out('winner', Object.keys(won)[0] ?? '')
    },
  },
})

describe('a race with a retried entry', () => {
  it('is won by the entry once an attempt succeeds: a failure in backoff has not settled', async () => {
    const { clock, runner } = onTestClock()
    const racer = Racer.create({ tag: 'race-win', failures: 1 }, { runner })
    const done = racer.execute()
    await until(backingOff(racer, 'child'))
    expect(racer.state).toBe('WAITING')
    clock.advance('1 min')
    expect(await done).toEqual({ winner: 'child' })
    expect(clock.pending).toBe(0)
  })

  it('is won by the timer while the entry backs off, which clears the backoff', async () => {
    const { clock, runner } = onTestClock()
    const racer = Racer.create({ tag: 'race-lose', failures: 9 }, { runner })
    const done = racer.execute()
    await until(backingOff(racer, 'child'))
    clock.advance('1 min')
    await until(backingOff(racer, 'child'))
    expect(pendingOf(racer, 'child')?.retry?.deadline).toBe(START + 60_000 + 120_000)
    clock.advance('30s')
    expect(await done).toEqual({ winner: 'late' })
    expect(clock.pending).toBe(0)
    expect(childRuns.get('race-lose')).toBe(2)
  })
})
