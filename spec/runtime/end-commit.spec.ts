/**
 * When the end of a process is committed, and when it is not. On a `strict` or `batched` runner a
 * process counts as ended only once its last checkpoint is committed: if the store refuses that
 * checkpoint (or a plugin's commit fails), `execute()` rejects with a `CheckpointNotCommittedError`
 * and a parent awaiting it sees it fail, although the process did end in memory. An `async` runner
 * reports ahead of its commits, as before. A plugin's commit that fails before a step fails a
 * strict process there, instead of leaving it waiting for ever.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { launch, out, toContext } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { CheckpointNotCommittedError } from '../../lib/runtime/errors.js'
import type { RunnerPlugin } from '../../lib/runtime/runner.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { Counted } from '../workchain/helpers.js'
import { quietRunner, turns } from './helpers.js'

const unhandled = recordUnhandledRejections()

/** Awaits a `Counted` child and outputs its count. */
const Parent = defineWorkChain({
  name: 'Parent',
  spec: { outputs: { count: output(t.number) } },
  steps: {
    start: () => toContext({ child: launch(Counted, { n: 2 }) }),
    collect: (ctx) => out('count', (ctx as { child: { count: number } }).child.count),
  },
  outline: (s) => [s.start, s.collect],
})

/** An in-memory store that refuses, for good, the terminal checkpoints of `definition`. */
class EndRefusingStore extends InMemoryPersister {
  constructor(private readonly definition: string) {
    super()
  }

  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    const ended = ['FINISHED', 'EXCEPTED', 'KILLED'].includes(bundle.snapshot.state._tag)
    if (ended && bundle.definition.name === this.definition)
      throw new Error('value too long for the column')
    await super.saveCheckpoint(bundle, tag)
  }
}

const checkpointed = (durability: Durability, store: InMemoryPersister) =>
  quietRunner({ persister: store, checkpoints: 'every-transition', durability })

/**
 * A plugin that ships every state change elsewhere (a replica) `delayMs` later, and whose
 * shipment of the changes `refused` picks fails. It handles its own failures: only the promise
 * `committing` gives is left for the runner to handle.
 */
const shipping = (refused: (to: string, i: number) => boolean, delayMs = 1) => {
  const inFlight = new Map<string, Promise<void>>()
  const plugin: RunnerPlugin = {
    stateChanged(process, _from, to) {
      const fails = refused(to, (process.ctx as { i?: number }).i ?? 0)
      const shipment = new Promise<void>((resolve, reject) =>
        setTimeout(
          () => (fails ? reject(new Error('the replica refused it')) : resolve()),
          delayMs,
        ),
      )
      inFlight.set(process.pid, shipment)
      const over = () => {
        if (inFlight.get(process.pid) === shipment) inFlight.delete(process.pid)
      }
      shipment.then(over, over)
    },
    committing: (pid) => inFlight.get(pid),
  }
  return plugin
}

/** What `promise` came to within `ms`: its value, its error, or 'still pending'. */
const within = (promise: Promise<unknown>, ms = 500): Promise<unknown> =>
  Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('still pending'), ms)),
  ])

const notCommitted = (pid: string, reason: string) =>
  expect.objectContaining({
    name: 'CheckpointNotCommittedError',
    pid,
    message: expect.stringContaining(`the end of ${pid} was not committed (${reason})`),
  })

describe('the end of a process on a strict or batched runner', () => {
  for (const durability of ['strict', 'batched'] as const) {
    it(`${durability}: execute() rejects when the store refuses the last checkpoint`, async () => {
      const store = new EndRefusingStore('Counted')
      const runner = checkpointed(durability, store)
      const process = Counted.create({ n: 3 }, { runner })
      const outcome = await within(process.execute())
      expect(outcome).toEqual({ error: notCommitted(process.pid, 'value too long for the column') })
      expect((outcome as { error: unknown }).error).toBeInstanceOf(CheckpointNotCommittedError)
      // It did end here; the store holds a checkpoint from before its end (batched merged some
      // saves that waited), from which it would run its last steps again.
      expect(process.state).toBe('FINISHED')
      expect(process.outputs).toEqual({ count: 3 })
      const stored = await store.loadCheckpoint(process.pid)
      expect(['CREATED', 'RUNNING']).toContain(stored.snapshot.state._tag)
      await expect(process.whenTerminated()).resolves.toBeUndefined()
      expect(process.endNotCommitted).toBe((outcome as { error: unknown }).error)
      await turns()
      expect(unhandled).toEqual([])
    })

    it(`${durability}: a parent awaiting a child whose end is not committed sees it fail`, async () => {
      const runner = checkpointed(durability, new EndRefusingStore('Counted'))
      const parent = Parent.create(undefined, { runner })
      const outcome = (await within(parent.execute())) as { error?: Error }
      expect(outcome.error?.message).toMatch(
        /the end of \S+ was not committed \(value too long for the column\)/,
      )
      expect(parent.state).toBe('EXCEPTED')
      await turns()
      expect(unhandled).toEqual([])
    })

    it(`${durability}: execute() rejects when a plugin's commit of the end fails`, async () => {
      const runner = quietRunner({
        durability,
        plugins: [shipping((to) => to === 'FINISHED')],
      })
      const process = Counted.create({ n: 2 }, { runner })
      expect(await within(process.execute())).toEqual({
        error: notCommitted(process.pid, 'the replica refused it'),
      })
      expect(process.state).toBe('FINISHED')
      expect(await within(process.whenTerminated())).toEqual({ value: undefined })
      await turns()
      expect(unhandled).toEqual([])
    })
  }

  it('counts the end committed when a refused FINISHED is followed by a committed EXCEPTED', async () => {
    /** Refuses every FINISHED checkpoint. */
    class FinishedRefusingStore extends InMemoryPersister {
      override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
        if (bundle.snapshot.state._tag === 'FINISHED') throw new Error('refused')
        await super.saveCheckpoint(bundle, tag)
      }
    }
    const hookFailed = new Error('the finishing hook failed')
    const FailsToFinish = defineProcess({
      name: 'FailsToFinish',
      hooks: {
        onFinish() {
          throw hookFailed
        },
      },
      steps: { run: () => 42 },
    })
    const store = new FinishedRefusingStore()
    const runner = checkpointed('strict', store)
    const process = FailsToFinish.create(undefined, { runner })
    // FINISHED, then EXCEPTED by the hook: the store holds EXCEPTED, the end it reports.
    expect(await within(process.execute())).toEqual({ error: hookFailed })
    expect(process.endNotCommitted).toBeUndefined()
    expect((await store.loadCheckpoint(process.pid)).snapshot.state._tag).toBe('EXCEPTED')
  })

  it('settles the end once every plugin has settled its commit, not at the first failure', async () => {
    const timeline: string[] = []
    /** Commits each checkpoint 20 ms after it is asked for, writing the end down. */
    class SlowStore extends InMemoryPersister {
      override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 20))
        await super.saveCheckpoint(bundle, tag)
        if (bundle.snapshot.state._tag === 'FINISHED') timeline.push('end committed')
      }
    }
    const runner = quietRunner({
      persister: new SlowStore(),
      checkpoints: 'every-transition',
      durability: 'batched',
      plugins: [shipping((to) => to === 'FINISHED')],
    })
    const process = Counted.create({ n: 1 }, { runner })
    const outcome = await within(
      process.execute().finally(() => timeline.push('execute settled')),
      1000,
    )
    expect(outcome).toEqual({ error: notCommitted(process.pid, 'the replica refused it') })
    expect(timeline).toEqual(['end committed', 'execute settled'])
  })

  it('async: execute() resolves ahead of the commits, refused or not', async () => {
    const store = new EndRefusingStore('Counted')
    const runner = quietRunner({
      persister: store,
      checkpoints: 'every-transition',
      durability: 'async',
      plugins: [shipping((to) => to === 'FINISHED')],
    })
    const process = Counted.create({ n: 2 }, { runner })
    expect(await within(process.execute())).toEqual({ value: { count: 2 } })
    await runner.flush()
    expect(process.endNotCommitted).toBeUndefined()
    const parent = Parent.create(undefined, { runner })
    expect(await within(parent.execute())).toEqual({ value: { count: 2 } })
    await turns()
    expect(unhandled).toEqual([])
  })
})

describe('a strict process whose plugin fails a commit before a step', () => {
  it('fails before that step with a CheckpointNotCommittedError, instead of waiting for ever', async () => {
    const runner = quietRunner({
      durability: 'strict',
      plugins: [shipping((to, i) => to === 'RUNNING' && i === 1)],
    })
    const process = Counted.create({ n: 5 }, { runner })
    const outcome = (await within(process.execute())) as { error?: unknown }
    expect(outcome.error).toBeInstanceOf(CheckpointNotCommittedError)
    expect(String(outcome.error)).toMatch(
      /the checkpoint of \S+ was not committed \(the replica refused it\)/,
    )
    expect(process.state).toBe('EXCEPTED')
    // The step after the refused checkpoint (i = 1) never ran.
    expect(process.ctx).toEqual({ i: 1 })
    await turns()
    expect(unhandled).toEqual([])
  })

  it('fails once, leaving nothing unhandled, when paused and played while it waits', async () => {
    const runner = quietRunner({
      durability: 'strict',
      // Two committers: each wait for their commits is a promise of its own.
      plugins: [shipping((to, i) => to === 'RUNNING' && i === 1, 30), shipping(() => false, 30)],
    })
    const process = Counted.create({ n: 5 }, { runner })
    const done = within(process.execute())
    while ((process.ctx as { i: number }).i < 1)
      await new Promise((resolve) => setTimeout(resolve, 1))
    await process.pause()
    process.play()
    const outcome = (await done) as { error?: unknown }
    expect(outcome.error).toBeInstanceOf(CheckpointNotCommittedError)
    expect(process.ctx).toEqual({ i: 1 })
    await turns()
    expect(unhandled).toEqual([])
  })

  it('killed while it waits for that commit, ends as its own last commit says', async () => {
    const runner = quietRunner({
      durability: 'strict',
      plugins: [shipping((to, i) => to === 'RUNNING' && i === 1, 30)],
    })
    const process = Counted.create({ n: 5 }, { runner })
    const done = within(process.execute())
    while ((process.ctx as { i: number }).i < 1)
      await new Promise((resolve) => setTimeout(resolve, 1))
    expect(await process.kill('enough')).toBe(true)
    // The KILLED checkpoint was committed: the end is, and execute() says KILLED.
    const outcome = (await done) as { error?: Error }
    expect(outcome.error?.name).toBe('KilledError')
    expect(process.endNotCommitted).toBeUndefined()
    await turns()
    expect(unhandled).toEqual([])
  })
})
