import { describe, expect, it } from 'vitest'
import {
  KilledError,
  Runner,
  Wait,
  append_,
  defineProcess,
  defineWorkChain,
  launch,
  silentLogger,
  task,
  type ProcessHandle,
} from '../../lib/index.js'
import { kill, toContext, type ToContext } from '../../lib/commands/index.js'
import { Double } from './helpers.js'

/** A runner that remembers every process it creates. */
const recordingRunner = () => {
  const created: ProcessHandle[] = []
  const runner = new Runner({
    logger: silentLogger,
    plugins: [{ created: (process) => void created.push(process) }],
  })
  return { runner, created }
}

const childError = new Error('the child failed')
const Failing = defineProcess({
  name: 'Failing',
  steps: {
    run: () => {
      throw childError
    },
  },
})

/** A child that waits for `resume()` before it finishes. */
const Waiting = defineProcess({
  name: 'Waiting',
  steps: { run: () => Wait('done'), done: () => undefined },
})

const never = () => new Promise<never>(() => undefined)

describe('ToContext', () => {
  it('launches children on the same runner and puts their outputs in the context', async () => {
    const { runner, created } = recordingRunner()
    const Parent = defineWorkChain({
      name: 'Parent',
      steps: {
        start: () => toContext({ child: launch(Double, { x: 21 }) }),
        check: () => undefined,
      },
      outline: (s) => [s.start, s.check],
    })
    const parent = Parent.create({}, { runner })
    const states: string[] = []
    parent.addProcessListener({ onProcessWaiting: (p) => void states.push(p.state) })
    await parent.execute()
    expect(parent.ctx).toEqual({ child: { y: 42 } })
    expect(states).toEqual(['WAITING'])
    const child = created.find((p) => p.name === 'Double')
    expect(child?.parentPid).toBe(parent.pid)
    expect(child?.state).toBe('FINISHED')
  })

  it('waits for promises and tasks', async () => {
    const started: string[] = []
    const Awaiting = defineWorkChain({
      name: 'Awaiting',
      steps: {
        start: () => {
          const waitFor = toContext({
            promise: Promise.resolve('from a promise'),
            task: task(async () => {
              started.push('task')
              return 'from a task'
            }),
          })
          // A task starts only after its step has returned.
          expect(started).toEqual([])
          return waitFor
        },
        after: () => undefined,
      },
      outline: (s) => [s.start, s.after],
    })
    const process = Awaiting.create({}, { runner: new Runner({ logger: silentLogger }) })
    await process.execute()
    expect(started).toEqual(['task'])
    expect(process.ctx).toEqual({ promise: 'from a promise', task: 'from a task' })
  })

  it('waits for several awaitables at once, then takes the next step with all of them', async () => {
    const seen: unknown[] = []
    const Several = defineWorkChain({
      name: 'Several',
      steps: {
        start: () =>
          toContext({
            a: launch(Double, { x: 1 }),
            b: task(() => new Promise((resolve) => setTimeout(() => resolve('slow'), 20))),
            c: Promise.resolve('fast'),
            d: launch(Double, { x: 2 }),
          }),
        after: (ctx) => void seen.push(JSON.parse(JSON.stringify(ctx))),
      },
      outline: (s) => [s.start, s.after],
    })
    await Several.create({}, { runner: new Runner({ logger: silentLogger }) }).execute()
    expect(seen).toEqual([{ a: { y: 2 }, b: 'slow', c: 'fast', d: { y: 4 } }])
  })

  it('collects appended results in a list, in order, extending an existing list', async () => {
    const Appending = defineWorkChain({
      name: 'Appending',
      steps: {
        first: () =>
          toContext({
            results: append_(
              launch(Double, { x: 1 }),
              task(async () => ({ y: 'task' })),
              launch(Double, { x: 3 }),
            ),
          }),
        second: () => toContext({ results: append_(launch(Double, { x: 4 })) }),
      },
      outline: (s) => [s.first, s.second],
    })
    const process = Appending.create({}, { runner: new Runner({ logger: silentLogger }) })
    await process.execute()
    expect(process.ctx).toEqual({ results: [{ y: 2 }, { y: 'task' }, { y: 6 }, { y: 8 }] })
  })

  it('overwrites a key assigned again, in the same step or a later one', async () => {
    const Overwriting = defineWorkChain({
      name: 'Overwriting',
      context: () => ({ seen: [] as unknown[] }) as { seen: unknown[]; value?: unknown },
      steps: {
        *first() {
          yield* toContext({ value: task(async () => 'first') })
          yield* toContext({ value: task(async () => 'second') })
        },
        look: (ctx) => void ctx.seen.push(ctx.value),
        again: () => toContext({ value: Promise.resolve('third') }),
      },
      outline: (s) => [s.first, s.look, s.again, s.look],
    })
    const process = Overwriting.create({}, { runner: new Runner({ logger: silentLogger }) })
    await process.execute()
    expect(process.ctx).toEqual({ seen: ['second', 'third'], value: 'third' })
  })

  describe('a failing awaitable sends the chain to EXCEPTED with its error', () => {
    const chainAwaiting = (awaitables: () => ToContext) => {
      const log: string[] = []
      const Chain = defineWorkChain({
        name: 'Chain',
        steps: { start: () => awaitables(), after: () => void log.push('after') },
        outline: (s) => [s.start, s.after],
      })
      const process = Chain.create({}, { runner: new Runner({ logger: silentLogger }) })
      return { process, log }
    }

    it('an excepted child', async () => {
      const { process, log } = chainAwaiting(() => toContext({ child: launch(Failing) }))
      await expect(process.execute()).rejects.toBe(childError)
      expect(process.state).toBe('EXCEPTED')
      expect(process.exception()).toBe(childError)
      expect(log).toEqual([])
    })

    it('a killed child', async () => {
      const Suicidal = defineProcess({
        name: 'Suicidal',
        steps: { run: () => Wait('x'), x: () => 1 },
      })
      const { runner, created } = recordingRunner()
      const Chain = defineWorkChain({
        name: 'Chain',
        steps: { start: () => toContext({ child: launch(Suicidal) }), after: () => undefined },
        outline: (s) => [s.start, s.after],
      })
      const process = Chain.create({}, { runner })
      const done = process.stepUntilTerminated()
      await new Promise((resolve) => setImmediate(resolve))
      const child = created.find((p) => p.name === 'Suicidal')
      await child?.kill('child killed')
      await done
      expect(process.state).toBe('EXCEPTED')
      expect(process.exception()).toBeInstanceOf(KilledError)
      expect(process.exception()?.message).toBe('child killed')
    })

    it('a rejected task', async () => {
      const reason = new Error('task failed')
      const { process } = chainAwaiting(() =>
        toContext({ t: task(async () => Promise.reject(reason)) }),
      )
      await expect(process.execute()).rejects.toBe(reason)
    })

    it('the first one to fail, even while others are still pending', async () => {
      const early = new Error('early')
      const { process, log } = chainAwaiting(() =>
        toContext({
          pending: task(never),
          early: task(async () => Promise.reject(early)),
          ok: launch(Double, { x: 1 }),
        }),
      )
      await expect(process.execute()).rejects.toBe(early)
      expect(process.exception()).toBe(early)
      expect(log).toEqual([])
    })

    // The error `exception()` gives is the one whose failure ended the chain, also when the
    // original errors of later failures reach the process afterwards.
    it('keeps the first error when a second awaitable fails in the same turn', async () => {
      const one = new Error('one')
      const two = new Error('two')
      const { process } = chainAwaiting(() =>
        toContext({
          a: task(async () => Promise.reject(one)),
          b: task(async () => Promise.reject(two)),
        }),
      )
      await process.stepUntilTerminated()
      expect(process.snapshot.state).toMatchObject({ _tag: 'EXCEPTED', error: { message: 'one' } })
      expect(process.exception()).toBe(one)
    })

    it('keeps its error when an awaitable fails after the chain has ended', async () => {
      const early = new Error('early')
      const late = new Error('late')
      let failLate: (() => void) | undefined
      const { process } = chainAwaiting(() =>
        toContext({
          early: task(async () => Promise.reject(early)),
          late: task(() => new Promise((_, reject) => (failLate = () => reject(late)))),
        }),
      )
      await process.stepUntilTerminated()
      expect(process.exception()).toBe(early)
      failLate?.()
      await new Promise((resolve) => setImmediate(resolve))
      expect(process.exception()).toBe(early)
    })

    it('a child whose inputs are invalid fails the step that launched it', async () => {
      const { process } = chainAwaiting(() =>
        toContext({ child: launch(Double, { x: 'one' } as never) }),
      )
      await expect(process.execute()).rejects.toThrow(/invalid inputs for Double/)
    })
  })

  describe('killing a chain that waits on children', () => {
    const setUp = (killChildren: boolean | undefined) => {
      const { runner, created } = recordingRunner()
      const Parent = defineWorkChain({
        name: 'Parent',
        ...(killChildren === undefined ? {} : { killChildren }),
        steps: {
          start: () => toContext({ one: launch(Waiting), two: launch(Waiting) }),
          after: () => undefined,
        },
        outline: (s) => [s.start, s.after],
      })
      const parent = Parent.create({}, { runner })
      const children = () => created.filter((p) => p.name === 'Waiting')
      return { parent, children }
    }

    it('kills the children it waits on', async () => {
      const { parent, children } = setUp(undefined)
      void parent.stepUntilTerminated()
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      expect(parent.state).toBe('WAITING')
      expect(children().map((c) => c.state)).toEqual(['WAITING', 'WAITING'])
      await expect(parent.kill('stop it')).resolves.toBe(true)
      expect(parent.state).toBe('KILLED')
      await Promise.all(children().map((c) => c.whenTerminated()))
      expect(children().map((c) => [c.state, c.status])).toEqual([
        ['KILLED', 'stop it'],
        ['KILLED', 'stop it'],
      ])
    })

    it('kills the children launched by the step during which it was killed', async () => {
      const { runner, created } = recordingRunner()
      const Parent = defineWorkChain({
        name: 'Parent',
        steps: {
          *start() {
            yield* kill('stop it')
            return toContext({ one: launch(Waiting) })
          },
          after: () => undefined,
        },
        outline: (s) => [s.start, s.after],
      })
      const parent = Parent.create({}, { runner })
      await parent.stepUntilTerminated()
      await new Promise((resolve) => setImmediate(resolve))
      const children = created.filter((p) => p.name === 'Waiting')
      expect(parent.state).toBe('KILLED')
      expect(children.map((c) => [c.state, c.status])).toEqual([['KILLED', 'stop it']])
    })

    it('launches nothing a step meant to await once it killed the chain by force', async () => {
      const { runner, created } = recordingRunner()
      const Parent = defineWorkChain({
        name: 'Parent',
        steps: {
          *start() {
            const awaited = toContext({ one: launch(Waiting), later: task(async () => 1) })
            yield* kill('now', { force: true })
            return awaited
          },
          after: () => undefined,
        },
        outline: (s) => [s.start, s.after],
      })
      const parent = Parent.create({}, { runner })
      await parent.stepUntilTerminated()
      await new Promise((resolve) => setImmediate(resolve))
      expect(parent.state).toBe('KILLED')
      expect(created.map((p) => p.name)).toEqual(['Parent'])
      expect(runner.list().map((p) => p.name)).toEqual([])
    })

    it('leaves them running with killChildren: false', async () => {
      const { parent, children } = setUp(false)
      void parent.stepUntilTerminated()
      await new Promise((resolve) => setImmediate(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      await parent.kill('stop it')
      expect(parent.state).toBe('KILLED')
      expect(children().map((c) => c.state)).toEqual(['WAITING', 'WAITING'])
      for (const child of children()) child.resume()
      await Promise.all(children().map((c) => c.whenTerminated()))
      expect(children().map((c) => c.state)).toEqual(['FINISHED', 'FINISHED'])
    })
  })
})
