import { describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { Runner } from '../../lib/runtime/runner.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { Wait } from '../../lib/commands/index.js'
import { waitingOnChildren, withPid } from '../persistence/fixtures.js'

/** A waiting chain whose only pending child is `childPid`. */
const waitingOn = (pid: string, childPid: string): Bundle => {
  const bundle = withPid(waitingOnChildren, pid)
  const state = bundle.snapshot.state
  if (state._tag !== 'WAITING') throw new Error('fixture is not waiting')
  return {
    ...bundle,
    snapshot: {
      ...bundle.snapshot,
      state: {
        ...state,
        awaiting: [
          { key: 'kid', ref: { _tag: 'Child', pid: childPid }, append: false, done: false },
        ],
      },
    },
  }
}

const loadFrom = async (bundles: readonly Bundle[], pid: string) => {
  const persister = new InMemoryPersister()
  for (const bundle of bundles) await persister.saveCheckpoint(bundle)
  const runner = new Runner({ logger: silentLogger })
  return loadProcess(runner, persister, new DefinitionRegistry(), pid)
}

describe('loadProcess on damaged waiting checkpoints', () => {
  it('rejects a checkpoint that waits on itself, naming the cycle', async () => {
    const error = await loadFrom([waitingOn('a', 'a')], 'a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as CheckpointError).problem).toBe('cyclic')
    expect((error as CheckpointError).message).toContain('a → a')
  })

  it('rejects processes that wait on each other, however deep the loop', async () => {
    const bundles = [waitingOn('a', 'b'), waitingOn('b', 'c'), waitingOn('c', 'a')]
    const error = await loadFrom(bundles, 'a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as CheckpointError).problem).toBe('cyclic')
    expect((error as CheckpointError).pid).toBe('a')
    expect((error as CheckpointError).message).toContain('a → b → c → a')
  })

  it('still reports a child that is merely missing as the problem of that child', async () => {
    // `a` waits on `b`, which has no checkpoint: loading goes on to `a` itself, whose definition
    // this empty registry does not know.
    const error = await loadFrom([waitingOn('a', 'b')], 'a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as CheckpointError).problem).toBe('unknown-definition')
    expect((error as CheckpointError).pid).toBe('a')
  })
})

describe('loadProcess on a checkpoint whose position is not in the outline', () => {
  it('fails with a typed error instead of loading a chain that "finishes"', async () => {
    const Chain = defineWorkChain({
      name: 'TwoSteps',
      steps: { a() {}, b() {} },
      outline: (s) => [s.a, s.b],
    })
    const runner = new Runner({ logger: silentLogger })
    const created = bundle(Chain.create({}, { runner }))
    const damaged: Bundle = {
      ...created,
      snapshot: {
        ...created.snapshot,
        state: { _tag: 'CREATED', position: { _tag: 'Outline', cursor: [99] } },
      },
    }
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(damaged, 'bad')
    const error = await loadProcess(
      new Runner({ logger: silentLogger }),
      persister,
      DefinitionRegistry.of(Chain),
      created.pid,
      'bad',
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error).toMatchObject({ problem: 'invalid-position', pid: created.pid, tag: 'bad' })
    expect((error as CheckpointError).reason).toMatch(/^position \[99\] is outside TwoSteps@1/)
  })
})

describe('loadProcess of a paused process', () => {
  it('brings it back paused, with its status: it takes no step until played', async () => {
    const ran: string[] = []
    const Sleeper = defineProcess({
      name: 'Sleeper',
      steps: {
        run: () => Wait('wake'),
        wake(_ctx, { args }) {
          ran.push(`wake ${String(args[0])}`)
        },
      },
    })
    const registry = DefinitionRegistry.of(Sleeper)
    const persister = new InMemoryPersister()
    const live = Sleeper.create(undefined, { runner: new Runner({ logger: silentLogger }) })
    void live.stepUntilTerminated()
    live.setStatus('sleeping')
    await expect(live.pause('held by operator')).resolves.toBe(true)
    await persister.saveCheckpoint(bundle(live))

    const runner = new Runner({ logger: silentLogger })
    const loaded = await loadProcess(runner, persister, registry, live.pid)
    expect([loaded.state, loaded.paused, loaded.status]).toEqual([
      'WAITING',
      true,
      'held by operator',
    ])
    const done = loaded.stepUntilTerminated()
    loaded.resume('up')
    await new Promise((resolve) => setImmediate(resolve))
    expect([loaded.state, ran]).toEqual(['RUNNING', []])
    expect(loaded.play()).toBe(true)
    await done
    expect([loaded.state, loaded.status, ran]).toEqual(['FINISHED', 'sleeping', ['wake up']])
  })
})
