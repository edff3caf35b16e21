/** The worker's store: write order, written/barrier, fence, and the write-ahead scheduler. */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { FencedOutError } from '../../lib/persistence/fence.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { defineProcess, defineWorkChain, input, launch, while_ } from '../../lib/index.js'
import { Runner } from '../../lib/runtime/runner.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import {
  checkpointEveryTransition,
  WorkerStore,
  writeAheadScheduler,
} from '../../lib/worker/store.js'
import { toContext } from '../../lib/commands/index.js'

/** An in-memory persister whose saves complete only when the test says so. */
class GatedPersister extends InMemoryPersister {
  readonly started: string[] = []
  readonly committed: string[] = []
  private readonly gates: (() => void)[] = []

  override async saveCheckpoint(data: Bundle, tag?: string): Promise<void> {
    const name = `${data.pid}:${data.snapshot.state._tag}`
    this.started.push(name)
    await new Promise<void>((resolve) => this.gates.push(resolve))
    await super.saveCheckpoint(data, tag)
    this.committed.push(name)
  }

  /** Lets the oldest waiting save complete. */
  async openOne(): Promise<void> {
    await turn()
    this.gates.shift()?.()
    await turn()
    await turn()
  }

  get waiting(): number {
    return this.gates.length
  }
}

const Noop = defineProcess({ name: 'Noop', steps: { run() {} } })

const bundleOf = (pid: string, parentPid?: string): Bundle =>
  bundle(
    new Runner({ logger: silentLogger }).create(
      Noop,
      {},
      {
        pid,
        ...(parentPid === undefined ? {} : { parentPid }),
      },
    ),
  )

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('WorkerStore', () => {
  it("writes a parent's checkpoint only after its children's writes in flight", async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    const child = store.saveCheckpoint(bundleOf('child', 'parent'))
    const parent = store.saveCheckpoint(bundleOf('parent'))
    await turn()
    expect(inner.started).toEqual(['child:CREATED'])
    await inner.openOne()
    await child
    expect(inner.started).toEqual(['child:CREATED', 'parent:CREATED'])
    await inner.openOne()
    await parent
    expect(inner.committed).toEqual(['child:CREATED', 'parent:CREATED'])
  })

  it('writes the checkpoints of one process one after another, and says when they are written', async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    void store.saveCheckpoint(bundleOf('p'))
    void store.saveCheckpoint(bundleOf('p'), 'tagged')
    let written = false
    void store.written('p').then(() => (written = true))
    await turn()
    expect(inner.waiting).toBe(1)
    await inner.openOne()
    expect(written).toBe(false)
    await inner.openOne()
    await turn()
    expect(written).toBe(true)
  })

  it('folds the saves of a new process made in one turn into its first write', async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    const runner = new Runner({ logger: silentLogger })
    const process = runner.create(Noop, {}, { pid: 'p' })
    const created = store.saveCheckpoint(bundle(process))
    // A launch starts the process a few microtasks after creating it.
    await Promise.resolve()
    await Promise.resolve()
    void process.stepUntilTerminated()
    const ended = store.saveCheckpoint(bundle(process))
    expect(store.committing('p')).toBeDefined()
    await turn()
    expect(inner.started).toEqual(['p:FINISHED'])
    await inner.openOne()
    await Promise.all([created, ended])
    expect(inner.committed).toEqual(['p:FINISHED'])
    expect((await inner.loadCheckpoint('p')).snapshot.state._tag).toBe('FINISHED')
    // Once a write has started, the next save is a write of its own, after it.
    const again = store.saveCheckpoint(bundle(process))
    await turn()
    const more = store.saveCheckpoint(bundle(process))
    await turn()
    expect(inner.started).toEqual(['p:FINISHED', 'p:FINISHED'])
    await inner.openOne()
    await again
    expect(inner.started).toHaveLength(3)
    await inner.openOne()
    await more
    expect(inner.committed).toHaveLength(3)
  })

  it('does not fold a save of a process whose child has written since', async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    void store.saveCheckpoint(bundleOf('parent'))
    void store.saveCheckpoint(bundleOf('child', 'parent'))
    void store.saveCheckpoint(bundleOf('parent'))
    await turn()
    expect(inner.started).toEqual(['parent:CREATED', 'child:CREATED'])
    await inner.openOne()
    await inner.openOne()
    await turn()
    expect(inner.started).toEqual(['parent:CREATED', 'child:CREATED', 'parent:CREATED'])
    await inner.openOne()
    await store.barrier()
    expect(inner.committed).toEqual(['parent:CREATED', 'child:CREATED', 'parent:CREATED'])
  })

  it('drops saves once fenced, and still completes those already started', async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    const before = store.saveCheckpoint(bundleOf('p'))
    store.fence()
    await store.saveCheckpoint(bundleOf('q'))
    expect(store.droppedSaves).toBe(1)
    await inner.openOne()
    await before
    await store.flush()
    expect(await inner.getCheckpoints()).toEqual([{ pid: 'p', tag: undefined }])
  })

  it('retries a save while the store is unavailable, in order, and says when it is written', async () => {
    const inner = new InMemoryPersister()
    const save = inner.saveCheckpoint.bind(inner)
    const tried: string[] = []
    let outage = 3
    inner.saveCheckpoint = (data, tag) => {
      tried.push(`${data.pid}:${tag ?? ''}`)
      if (outage-- > 0)
        return Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        )
      return save(data, tag)
    }
    const warnings: string[] = []
    const store = new WorkerStore(inner, {
      retry: { initialDelayMs: 1, maxDelayMs: 4 },
      logger: { ...silentLogger, warn: (message) => warnings.push(message) },
    })
    const first = store.saveCheckpoint(bundleOf('p'))
    const second = store.saveCheckpoint(bundleOf('p'), 'tagged')
    await Promise.all([first, second])
    await store.written('p')
    expect(tried).toEqual(['p:', 'p:', 'p:', 'p:', 'p:tagged'])
    expect(await inner.getProcessCheckpoints('p')).toHaveLength(2)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/checkpoint writes fail \(connect ECONNREFUSED\): retrying/)
    expect(warnings[1]).toMatch(/checkpoint writes succeed again after .* s \(3 retries\)/)
  })

  it('stops retrying once abandoned', async () => {
    const inner = new InMemoryPersister()
    inner.saveCheckpoint = () =>
      Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }))
    const store = new WorkerStore(inner, { retry: { initialDelayMs: 1, maxDelayMs: 1 } })
    const write = store.saveCheckpoint(bundleOf('p'))
    await turn()
    store.abandon()
    await expect(write).rejects.toThrow('terminating connection')
    expect(store.isFenced).toBe(true)
  })

  it('reports a fenced-out write and does not retry it', async () => {
    const inner = new InMemoryPersister()
    let tries = 0
    const fenced: FencedOutError[] = []
    const store = new WorkerStore(inner, {
      write: async (data) => {
        tries += 1
        throw new FencedOutError(data.pid, { lease: 7, root: 'r' })
      },
      onFencedOut: (error) => fenced.push(error),
    })
    await expect(store.saveCheckpoint(bundleOf('p'))).rejects.toBeInstanceOf(FencedOutError)
    expect(tries).toBe(1)
    expect(fenced.map((error) => error.message)).toEqual([
      'checkpoint of p not written: lease 7 no longer holds the claim of its tree r (another ' +
        'worker took it over)',
    ])
  })

  it('says, once written, that a save refused by the fence or dropped once fenced was not', async () => {
    const store = new WorkerStore(new InMemoryPersister(), {
      write: async (data) => {
        if (data.pid === 'taken') throw new FencedOutError(data.pid, { lease: 7, root: 'taken' })
      },
    })
    await store.saveCheckpoint(bundleOf('kept'))
    await expect(store.saveCheckpoint(bundleOf('taken'))).rejects.toBeInstanceOf(FencedOutError)
    await expect(store.writtenHere('kept')).resolves.toBeUndefined()
    await expect(store.writtenHere('taken')).rejects.toThrow(/another worker took it over/)
    store.fence()
    await store.saveCheckpoint(bundleOf('dropped'))
    await expect(store.writtenHere('dropped')).rejects.toThrow(
      'checkpoint of dropped not written: this worker let it go',
    )
    await expect(store.writtenHere('kept')).resolves.toBeUndefined()
  })

  it('reports a failed save to its caller, and counts it as done', async () => {
    const failing = new InMemoryPersister()
    failing.saveCheckpoint = () => Promise.reject(new Error('disk full'))
    const store = new WorkerStore(failing)
    await expect(store.saveCheckpoint(bundleOf('p'))).rejects.toThrow('disk full')
    await store.barrier()
    await store.written('p')
  })
})

describe('writeAheadScheduler', () => {
  it('runs a callback once every checkpoint saved before it (in its synchronous run) is written', async () => {
    const inner = new GatedPersister()
    const store = new WorkerStore(inner)
    const schedule = writeAheadScheduler(store)
    const ran: string[] = []
    void store.saveCheckpoint(bundleOf('a'))
    void store.saveCheckpoint(bundleOf('b'))
    schedule(() => ran.push('after a and b'))
    await Promise.resolve() // the end of this synchronous run
    void store.saveCheckpoint(bundleOf('c'))
    schedule(() => ran.push('after c'))
    await turn()
    expect(ran).toEqual([])
    await inner.openOne() // a
    expect(ran).toEqual([])
    await inner.openOne() // b
    expect(ran).toEqual(['after a and b'])
    await inner.openOne() // c
    expect(ran).toEqual(['after a and b', 'after c'])
  })

  it('stops a strict process whose checkpoint the store refuses for good, before its next step', async () => {
    const steps: number[] = []
    const Counted = defineWorkChain({
      name: 'Counted',
      context: () => ({ i: 0 }),
      steps: {
        more: (ctx) => ctx.i < 5,
        inc(ctx) {
          steps.push(ctx.i + 1)
          ctx.i += 1
        },
      },
      outline: (s) => [while_(s.more)(s.inc)],
    })
    class RefusingPersister extends InMemoryPersister {
      override async saveCheckpoint(data: Bundle, tag?: string) {
        if ((data.snapshot.ctx as { i: number }).i >= 2) throw new Error('row too large')
        await super.saveCheckpoint(data, tag)
      }
    }
    const inner = new RefusingPersister()
    const store = new WorkerStore(inner)
    const runner = new Runner({
      persister: store,
      scheduler: writeAheadScheduler(store),
      plugins: [checkpointEveryTransition(store, silentLogger)],
      durability: 'strict',
      logger: silentLogger,
    })
    const process = runner.create(Counted)
    await expect(process.execute()).rejects.toThrow(/was not committed \(row too large\)/)
    await store.flush()
    expect(steps).toEqual([1, 2])
    expect((await inner.loadCheckpoint(process.pid)).snapshot.ctx).toEqual({ i: 1 })
  })

  it('never lets a work chain step past a checkpoint that is not written', async () => {
    const events: string[] = []
    const Child = defineProcess({
      name: 'Child',
      spec: { inputs: { i: input(t.number) } },
      steps: { run: (_ctx, { inputs }) => void events.push(`child ${inputs.i} runs`) },
    })
    const Chain = defineWorkChain({
      name: 'Chain',
      context: () => ({ i: 0 }),
      steps: {
        more: (ctx) => ctx.i < 3,
        submit: (ctx) => toContext({ child: launch(Child, { i: ctx.i }) }),
        collect(ctx) {
          events.push(`chain collects ${ctx.i}`)
          ctx.i += 1
        },
      },
      outline: (s) => [while_(s.more)(s.submit, s.collect)],
    })
    class SlowPersister extends InMemoryPersister {
      override async saveCheckpoint(data: Bundle, tag?: string) {
        await new Promise((resolve) => setTimeout(resolve, 2))
        await super.saveCheckpoint(data, tag)
        const ctx = data.snapshot.ctx as { i?: number }
        events.push(`${data.definition.name} ${data.snapshot.state._tag} ${ctx.i ?? ''} written`)
      }
    }
    const store = new WorkerStore(new SlowPersister())
    const runner = new Runner({
      persister: store,
      scheduler: writeAheadScheduler(store),
      plugins: [checkpointEveryTransition(store, silentLogger)],
      logger: silentLogger,
    })
    await runner.create(Chain).execute()
    await store.flush()
    // Each child runs after the chain's WAITING checkpoint is written, and the chain collects
    // only after the child's FINISHED checkpoint is.
    for (let i = 0; i < 3; i++) {
      const runs = events.indexOf(`child ${i} runs`)
      const waiting = events.findIndex((e, at) => at < runs && e === `Chain WAITING ${i} written`)
      expect(waiting, events.join('\n')).toBeGreaterThanOrEqual(0)
      const collects = events.indexOf(`chain collects ${i}`)
      expect(events.slice(runs, collects)).toContain('Child FINISHED  written')
    }
  })
})
