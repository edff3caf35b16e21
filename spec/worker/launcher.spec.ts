/**
 * The launcher with an ownership: two "workers" (runners with launchers) on one in-memory store
 * and one set of claims, driven task by task, with no broker.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { TaskRejected } from '../../lib/comms/errors.js'
import { ProcessLauncher, ProcessRunningElsewhereError } from '../../lib/comms/launcher.js'
import { InMemoryPersister, type MemoryStore } from '../../lib/persistence/memory.js'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { ChildTaskError } from '../../lib/comms/launch-errors.js'
import { Wait, defineProcess, defineWorkChain, input, launch, output } from '../../lib/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { LocalClaims, LocalOwnership } from '../../lib/worker/ownership.js'
import { Pipeline, Work } from '../../examples/scaling/definitions.js'
import { waitUntil } from './harness.js'
import { out, toContext } from '../../lib/commands/index.js'

/** Waits for `resume(value)`, then outputs the value. */
const Waiter = defineProcess({
  name: 'Waiter',
  spec: { outputs: { value: output(t.number) } },
  steps: {
    run: () => Wait('done'),
    done: (_ctx, { args }) => out('value', args[0] as number),
  },
})

const Doubler = defineProcess({
  name: 'Doubler',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const Failer = defineProcess({
  name: 'Failer',
  steps: {
    run() {
      throw new Error('boom')
    },
  },
})

/** Launches a child that fails and one that waits: it ends EXCEPTED while the other waits on. */
const Fork = defineWorkChain({
  name: 'Fork',
  steps: {
    start: () => toContext({ waiter: launch(Waiter, {}), failer: launch(Failer, {}) }),
    end() {},
  },
  outline: (s) => [s.start, s.end],
})

/** Waits for a `Waiter` child: not parked (its child is work under way), so it holds a slot. */
const Parent = defineWorkChain({
  name: 'Parent',
  steps: {
    start: () => toContext({ waiter: launch(Waiter, {}) }),
    end() {},
  },
  outline: (s) => [s.start, s.end],
})

const registry = DefinitionRegistry.of(Waiter, Doubler, Pipeline, Work, Failer, Fork, Parent)

interface FakeDelivery {
  readonly redelivered: boolean
  acks: number
  ack(): void
  readonly passedOn: unknown[]
  passOn(task: unknown): Promise<void>
}

const delivery = (redelivered = false): FakeDelivery => ({
  redelivered,
  acks: 0,
  ack() {
    this.acks += 1
  },
  passedOn: [],
  async passOn(task) {
    this.passedOn.push(task)
    this.acks += 1 // as the communicators do: passing on acknowledges
  },
})

const open: LocalOwnership[] = []

/** A worker's launcher on the shared store and claims. */
const worker = (name: string, store: MemoryStore, claims: LocalClaims, holdLimitMs?: number) => {
  const runner = new Runner({
    persister: new InMemoryPersister({ store }),
    checkpoints: 'every-transition',
    logger: silentLogger,
  })
  const ownership = new LocalOwnership(name, claims)
  open.push(ownership)
  const launcher = new ProcessLauncher({
    runner,
    registry,
    persister: new InMemoryPersister({ store }),
    ownership,
    followIntervalMs: 5,
    ...(holdLimitMs === undefined ? {} : { holdLimitMs }),
  })
  return { runner, ownership, launcher }
}

const setUp = () => {
  const store: MemoryStore = new Map()
  const claims = new LocalClaims()
  return { store, claims, a: worker('a', store, claims), b: worker('b', store, claims) }
}

afterEach(async () => {
  for (const ownership of open.splice(0)) await ownership.close()
})

describe('ProcessLauncher with an ownership', () => {
  it('claims what it runs and releases it once it has ended', async () => {
    const { claims, a } = setUp()
    expect(
      await a.launcher.handle({
        task: 'launch',
        definition: 'Doubler',
        pid: 'd1',
        inputs: { x: 2 },
      }),
    ).toEqual({ y: 4 })
    await waitUntil('the release', () => !claims.byPid.has('d1'))
    void a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    await waitUntil('the claim', () => claims.byPid.get('w1') === 'a')
  })

  it('claims a tree by its root: children run under that claim, released with the tree', async () => {
    const { claims, a } = setUp()
    const children = new Set<string>()
    const claimed = new Set<string>()
    a.runner.use({
      created: (p) => void (p.parentPid !== undefined && children.add(p.pid)),
      stateChanged: (p) => {
        for (const pid of claims.byPid.keys()) claimed.add(pid)
        if (p.parentPid !== undefined) expect(a.launcher.rootOf(p.pid)).toBe('p1')
      },
    })
    const outputs = await a.launcher.handle({
      task: 'launch',
      definition: 'Pipeline',
      pid: 'p1',
      inputs: { n: 3 },
    })
    expect(outputs).toEqual({ total: 5, rounds: 3 })
    expect(children.size).toBe(3)
    expect([...claimed]).toEqual(['p1'])
    await waitUntil('the release', () => claims.byPid.size === 0)
    expect(a.launcher.rootOf('p1')).toBeUndefined()
  })

  it('keeps the claim of a tree until its last process has ended, not only its root', async () => {
    const { claims, a } = setUp()
    const outcome = a.launcher
      .handle({ task: 'launch', definition: 'Fork', pid: 'f1' })
      .catch((error: unknown) => error)
    expect(String(await outcome)).toMatch(/boom/)
    // The chain ended EXCEPTED with its first failing child; the other child still waits.
    const waiting = a.runner.list().find((process) => process.name === 'Waiter')
    expect(waiting?.state).toBe('WAITING')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(claims.byPid.get('f1')).toBe('a')
    expect(a.launcher.rootOf(waiting?.pid ?? '')).toBe('f1')
    waiting?.resume(1)
    await waitUntil('the release', () => claims.byPid.size === 0)
  })

  it('refuses a task naming a child: it runs with its parent', async () => {
    const { store, claims, b } = setUp()
    const child = new Runner({ logger: silentLogger }).create(
      Doubler,
      { x: 1 },
      { pid: 'c1', parentPid: 'p9' },
    )
    await new InMemoryPersister({ store }).saveCheckpoint(bundle(child))
    const refused = b.launcher.handle({ task: 'continue', pid: 'c1' }, delivery())
    await expect(refused).rejects.toThrow(ChildTaskError)
    await expect(refused).rejects.toThrow(/c1 is a child of p9/)
    expect(b.runner.get('c1')).toBeUndefined()
    expect(claims.byPid.size).toBe(0)
  })

  it('refuses a continue for a process that another worker runs, naming it', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    const refused = b.launcher.handle({ task: 'continue', pid: 'w1' }, delivery())
    await expect(refused).rejects.toThrow(ProcessRunningElsewhereError)
    await expect(refused).rejects.toThrow(/process w1 is running on worker a/)
    expect(b.runner.get('w1')).toBeUndefined()
  })

  it('follows a launch of a process that another worker runs, and answers its outputs', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    const followed = b.launcher.handle(
      { task: 'launch', definition: 'Waiter', pid: 'w1' },
      delivery(),
    )
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(b.runner.get('w1')).toBeUndefined()
    a.runner.get('w1')?.resume(7)
    expect(await followed).toEqual({ value: 7 })
  })

  it('follows a redelivered continue instead of refusing it', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    const followed = b.launcher.handle({ task: 'continue', pid: 'w1' }, delivery(true))
    a.runner.get('w1')?.resume(8)
    expect(await followed).toEqual({ value: 8 })
  })

  it('takes a followed process over from its checkpoint when its owner goes away', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    await a.runner.flush()
    const followed = b.launcher.handle(
      { task: 'launch', definition: 'Waiter', pid: 'w1' },
      delivery(true),
    )
    await a.ownership.close() // worker a dies: its claims go with it
    await waitUntil('b to take it over', () => b.runner.get('w1')?.state === 'WAITING')
    b.runner.get('w1')?.resume(9)
    expect(await followed).toEqual({ value: 9 })
  })

  it('answers a launch of a finished process from its checkpoint, running nothing', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Doubler', pid: 'd1', inputs: { x: 5 } })
    await a.runner.flush()
    expect(
      await b.launcher.handle({
        task: 'launch',
        definition: 'Doubler',
        pid: 'd1',
        inputs: { x: 5 },
      }),
    ).toEqual({ y: 10 })
  })

  it('answers a launch of a process that ended here but is still being written, running nothing again', async () => {
    // The process ends while its last checkpoint is still on its way to the store; a launch of
    // its pid sent again (after a broker restart, say) arrives meanwhile.
    const store: MemoryStore = new Map()
    let open = () => {}
    const slow = new Promise<void>((resolve) => (open = resolve))
    class SlowLastWrite extends InMemoryPersister {
      override async saveCheckpoint(...args: Parameters<InMemoryPersister['saveCheckpoint']>) {
        if (args[0].snapshot.state._tag === 'FINISHED') await slow
        return super.saveCheckpoint(...args)
      }
    }
    const runner = new Runner({
      persister: new SlowLastWrite({ store }),
      checkpoints: 'every-transition',
      logger: silentLogger,
    })
    const ownership = new LocalOwnership('a', new LocalClaims())
    const launcher = new ProcessLauncher({
      runner,
      registry,
      persister: new InMemoryPersister({ store }),
      ownership,
    })
    const ends: string[] = []
    runner.use({ terminated: (process) => void ends.push(process.pid) })
    const task = { task: 'launch', definition: 'Doubler', pid: 'd1', inputs: { x: 3 } }
    const first = launcher.handle(task, delivery())
    await waitUntil('d1 to end', () => ends.length === 1)
    const again = launcher.handle(task, delivery(true))
    await new Promise((resolve) => setTimeout(resolve, 30))
    open()
    expect(await Promise.all([first, again])).toEqual([{ y: 6 }, { y: 6 }])
    expect(ends).toEqual(['d1'])
    await ownership.close()
  })

  it('builds one process for two tasks of one pid that arrive together', async () => {
    const { a } = setUp()
    const first = a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1' }, delivery())
    const second = a.launcher.handle(
      { task: 'launch', definition: 'Waiter', pid: 'w1' },
      delivery(true),
    )
    await waitUntil('the process', () => a.runner.get('w1')?.state === 'WAITING')
    a.runner.get('w1')?.resume(1)
    expect(await Promise.all([first, second])).toEqual([{ value: 1 }, { value: 1 }])
  })

  it('leaves a checkpoint before it acknowledges a nowait launch', async () => {
    const { store, a } = setUp()
    const held = delivery()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true }, held)
    expect(held.acks).toBe(1)
    expect(store.has('w1')).toBe(true)
    expect(a.launcher.holdsTask('w1')).toBe(false)
  })

  it('hands a task held past the hold limit on to a continue task, which answers', async () => {
    const store: MemoryStore = new Map()
    const a = worker('a', store, new LocalClaims(), 20)
    const held = delivery()
    const running = a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1' }, held)
    expect(a.launcher.holdsTask('w1')).toBe(true)
    await waitUntil('the hand-on', () => held.acks === 1)
    expect(held.passedOn).toEqual([{ task: 'continue', pid: 'w1', follow: true }])
    expect(store.has('w1')).toBe(true)
    // The launch's own answer is dropped (its sender now waits on the continue task).
    expect(await running).toBeUndefined()
    // The continue task joins the live process and answers its outputs.
    const next = delivery()
    const continued = a.launcher.handle(held.passedOn[0], next)
    expect(a.launcher.holdsTask('w1')).toBe(true)
    a.runner.get('w1')?.resume(3)
    expect(await continued).toEqual({ value: 3 })
    expect(next.passedOn).toEqual([])
  })

  it('leaves the sender with a task in the queue when the worker dies after a hand-on', async () => {
    const store: MemoryStore = new Map()
    const claims = new LocalClaims()
    const a = worker('a', store, claims, 20)
    const b = worker('b', store, claims)
    const held = delivery()
    void a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1' }, held)
    await waitUntil('the hand-on', () => held.passedOn.length === 1)
    // Worker a dies: its claims go, and the continue task (redelivered) reaches worker b.
    await a.ownership.close()
    const answered = b.launcher.handle(held.passedOn[0], delivery(true))
    await waitUntil('worker b to take it over', () => b.runner.get('w1') !== undefined)
    b.runner.get('w1')?.resume(5)
    expect(await answered).toEqual({ value: 5 })
  })

  it('stores a created process without keeping it: a continue runs it on any worker', async () => {
    const { a, b } = setUp()
    expect(
      await a.launcher.handle({
        task: 'create',
        definition: 'Doubler',
        pid: 'd1',
        inputs: { x: 4 },
        persist: true,
      }),
    ).toBe('d1')
    expect(a.runner.get('d1')).toBeUndefined()
    expect(await b.launcher.handle({ task: 'continue', pid: 'd1' })).toEqual({ y: 8 })
  })

  it('sends a task back when as many processes as it may run are live', async () => {
    const launcher = new ProcessLauncher({
      runner: new Runner({ logger: silentLogger }),
      registry,
      maxProcesses: 1,
    })
    await launcher.handle({ task: 'launch', definition: 'Parent', pid: 'p1', nowait: true })
    expect(launcher.processCount()).toBe(1)
    await expect(
      launcher.handle({ task: 'launch', definition: 'Parent', pid: 'p2', nowait: true }),
    ).rejects.toThrow(TaskRejected)
    // A task for a process it already runs is no new process.
    expect(
      await launcher.handle({ task: 'launch', definition: 'Parent', pid: 'p1', nowait: true }),
    ).toBe('p1')
  })

  it('does not count processes parked on a resume, a signal or a timer', async () => {
    const runner = new Runner({ logger: silentLogger })
    const launcher = new ProcessLauncher({ runner, registry, maxProcesses: 1 })
    for (const pid of ['w1', 'w2', 'w3'])
      expect(
        await launcher.handle({ task: 'launch', definition: 'Waiter', pid, nowait: true }),
      ).toBe(pid)
    expect(launcher.processCount()).toBe(0)
  })
})
