import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { Runner } from '../../lib/runtime/runner.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { Wait, out } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { waitingAt } from '../persistence/fixtures.js'
import { quietRunner, turns } from './helpers.js'

/** A process that waits; its checkpoints below are made to wait on given children. */
const Waiter = defineProcess({
  name: 'Waiter',
  spec: { inputs: { n: input(t.number, { default: 1 }) }, outputs: { n: output(t.number) } },
  steps: { run: () => Wait('done'), done: (_ctx, { inputs }) => out('n', inputs.n) },
})
const registry = DefinitionRegistry.of(Waiter)

/** A checkpoint of a Waiter `pid` (child of `parent`) waiting on the child `childPid`. */
const waitingOn = (pid: string, childPid: string, parent?: string): Bundle =>
  waitingAt(createdAs(pid, parent), { kid: childPid })

/** A checkpoint of a Waiter `pid` that has just been created, as a child of `parent`. */
const createdAs = (pid: string, parent?: string): Bundle => ({
  ...bundle(Waiter.create({}, { runner: new Runner({ logger: silentLogger }), pid })),
  parentPid: parent,
})

const loadFrom = async (bundles: readonly Bundle[], pid: string, runner = quietRunner()) => {
  const persister = new InMemoryPersister()
  for (const saved of bundles) await persister.saveCheckpoint(saved)
  return loadProcess(runner, persister, registry, pid)
}

describe('loadProcess on damaged waiting checkpoints', () => {
  it('rejects a checkpoint that waits on itself, naming the cycle', async () => {
    const error = await loadFrom([waitingOn('a', 'a')], 'a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as CheckpointError).problem).toBe('cyclic')
    expect((error as CheckpointError).message).toContain('a → a')
  })

  it('rejects processes that wait on each other, however deep the loop', async () => {
    const bundles = [waitingOn('a', 'b', 'c'), waitingOn('b', 'c', 'a'), waitingOn('c', 'a', 'b')]
    const error = await loadFrom(bundles, 'a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as CheckpointError).problem).toBe('cyclic')
    expect((error as CheckpointError).pid).toBe('a')
    expect((error as CheckpointError).message).toContain('a → b → c → a')
  })

  it('rejects a checkpoint that waits on a process that is not its child, loading neither', async () => {
    const runner = quietRunner()
    const stranger = createdAs('b', 'x')
    const error = await loadFrom([waitingOn('a', 'b'), stranger], 'a', runner).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error).toMatchObject({
      problem: 'not-a-child',
      pid: 'a',
      reason: 'it waits on b (ctx.kid), which is not its child: the parent of b is x',
    })
    // Loading `a` would have run `b`, which belongs to another process.
    expect(runner.get('b')).toBeUndefined()
    expect(runner.get('a')).toBeUndefined()
    const orphan = await loadFrom([waitingOn('a', 'b'), createdAs('b')], 'a').catch(
      (e: unknown) => e,
    )
    expect(orphan).toMatchObject({
      problem: 'not-a-child',
      reason: expect.stringMatching(/b has no parent$/),
    })
  })

  it('rejects a wait on a live process of the runner that is not its child', async () => {
    const runner = quietRunner()
    Waiter.create({}, { runner, pid: 'b' })
    const error = await loadFrom([waitingOn('a', 'b')], 'a', runner).catch((e: unknown) => e)
    expect(error).toMatchObject({ problem: 'not-a-child', pid: 'a' })
  })

  it('loads a chain with its own children, and one whose child is merely missing', async () => {
    const runner = quietRunner()
    const parent = await loadFrom([waitingOn('a', 'b'), createdAs('b', 'a')], 'a', runner)
    expect([parent.state, runner.get('b')?.parentPid]).toEqual(['WAITING', 'a'])
    const lonely = await loadFrom([waitingOn('a', 'b')], 'a')
    expect(lonely.state).toBe('WAITING')
  })
})

describe('loadProcess and the inputs a checkpoint stores', () => {
  it('checks them with their codecs: a string for a number port is refused with its path', async () => {
    const good = createdAs('p')
    const runner = quietRunner()
    const error = await loadFrom([{ ...good, inputs: { n: 'x' } }], 'p', runner).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error).toMatchObject({
      problem: 'invalid-inputs',
      pid: 'p',
      reason: 'its inputs are not valid for Waiter@1: inputs.n: expected number, got "x"',
    })
    expect(runner.get('p')).toBeUndefined()
    // The same checkpoint with its inputs as stored runs.
    const loaded = await loadFrom([good], 'p')
    const done = loaded.stepUntilTerminated()
    await turns()
    loaded.resume()
    await done
    expect([loaded.state, loaded.outputs]).toEqual(['FINISHED', { n: 1 }])
  })

  it('refuses inputs a port no longer declares', async () => {
    const error = await loadFrom([{ ...createdAs('p'), inputs: { n: 1, extra: true } }], 'p').catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      problem: 'invalid-inputs',
      reason: expect.stringMatching(/inputs\.extra/),
    })
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
    expect([loaded.state, ran]).toEqual(['WAITING', []])
    expect(loaded.play()).toBe(true)
    await done
    expect([loaded.state, loaded.status, ran]).toEqual(['FINISHED', 'sleeping', ['wake up']])
  })
})
