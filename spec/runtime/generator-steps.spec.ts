/**
 * Generator steps on a live process: suspending inside a step with `yield* waitForResume()` and
 * `yield* toContext(...)`, outputs yielded with `out`, and commands yielded to end the step.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { output } from '../../lib/ports/index.js'
import {
  Continue,
  Kill,
  launch,
  out,
  task,
  toContext,
  Wait,
  waitForResume,
} from '../../lib/commands/index.js'
import { KilledError } from '../../lib/process/errors.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { quietRunner, rejectionOf, turns } from './helpers.js'

describe('generator steps', () => {
  it('suspend on `yield* waitForResume()` and continue with the resume value', async () => {
    const lines: string[] = []
    const Asks = defineProcess({
      name: 'Asks',
      steps: {
        *run() {
          lines.push('before')
          const n = yield* waitForResume(t.number, 'give me a number')
          lines.push(`got ${n}`)
          return n * 2
        },
      },
    })
    const proc = Asks.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.state).toBe('WAITING')
    expect(proc.snapshot.state).toMatchObject({ message: 'give me a number' })
    expect(lines).toEqual(['before'])
    proc.resume(21)
    await done
    expect(lines).toEqual(['before', 'got 21'])
    expect(proc.result()).toBe(42)
  })

  it('suspend several times in one step, each resume answering its own wait', async () => {
    const Adds = defineProcess({
      name: 'Adds',
      steps: {
        *run() {
          const a = yield* waitForResume(t.number)
          const b = yield* waitForResume(t.number)
          return a + b
        },
      },
    })
    const proc = Adds.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    proc.resume(1)
    await turns()
    expect(proc.state).toBe('WAITING')
    proc.resume(2)
    await done
    expect(proc.result()).toBe(3)
  })

  it('emit the outputs they yield with `out`', async () => {
    const Emits = defineProcess({
      name: 'Emits',
      spec: { outputs: { a: output(t.number), b: output(t.number) } },
      steps: {
        *run() {
          yield out('a', 1)
          const b = yield* waitForResume(t.number)
          yield out('b', b)
        },
      },
    })
    const proc = Emits.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.outputs).toEqual({ a: 1 })
    proc.resume(2)
    await expect(done).resolves.toEqual({ a: 1, b: 2 })
  })

  it('get the results of the awaitables they yield, also a child process', async () => {
    const runner = quietRunner()
    const Child = defineProcess({
      name: 'Child',
      spec: { outputs: { y: output(t.number) } },
      steps: { run: () => out('y', 7) },
    })
    const Parent = defineProcess({
      name: 'Parent',
      steps: {
        *run() {
          const got = yield* toContext({
            child: launch(Child),
            promised: Promise.resolve('p'),
            tasked: task(async () => 't'),
          })
          return got
        },
      },
    })
    const proc = Parent.create(undefined, { runner })
    await proc.execute()
    expect(proc.result()).toEqual({ child: { y: 7 }, promised: 'p', tasked: 't' })
  })

  it('end the step with a command they yield', async () => {
    const lines: string[] = []
    const Yields = defineProcess({
      name: 'Yields',
      steps: {
        *run() {
          yield Continue('next', 'arg')
          lines.push('never reached')
        },
        next: (_ctx, { args }) => args[0],
      },
    })
    const proc = Yields.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.result()).toBe('arg')
    expect(lines).toEqual([])
  })

  it('end KILLED when they yield Kill', async () => {
    const Killer = defineProcess({
      name: 'Killer',
      steps: {
        *run() {
          yield Kill('yielded kill')
        },
      },
    })
    const error = await rejectionOf(Killer.create(undefined, { runner: quietRunner() }).execute())
    expect(error).toBeInstanceOf(KilledError)
    expect((error as Error).message).toBe('yielded kill')
  })

  it('go to EXCEPTED when they yield something that is not a command', async () => {
    const Odd = defineProcess({
      name: 'Odd',
      steps: {
        *run() {
          yield 42 as never
        },
      },
    })
    const proc = Odd.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(proc.state).toBe('EXCEPTED')
    expect((error as Error).message).toMatch(/yields commands only/)
  })

  it('go to EXCEPTED with the error of an awaitable that fails', async () => {
    const failure = new Error('task failed')
    const Fails = defineProcess({
      name: 'Fails',
      steps: {
        *run() {
          yield* toContext({ x: task(() => Promise.reject(failure)) })
        },
      },
    })
    const proc = Fails.create(undefined, { runner: quietRunner() })
    expect(await rejectionOf(proc.execute())).toBe(failure)
    expect(proc.state).toBe('EXCEPTED')
  })

  it('go to EXCEPTED with a KilledError when a child they await is killed', async () => {
    const runner = quietRunner()
    const Child = defineProcess({ name: 'Child', steps: { run: () => Wait('end'), end() {} } })
    const Parent = defineProcess({
      name: 'Parent',
      steps: {
        *run() {
          yield* toContext({ child: launch(Child) })
        },
      },
    })
    const parent = Parent.create(undefined, { runner })
    const done = rejectionOf(parent.execute())
    await turns()
    const child = runner.list().find((p) => p.name === 'Child')
    await child?.kill('child killed')
    const error = await done
    expect(parent.state).toBe('EXCEPTED')
    expect(error).toBeInstanceOf(KilledError)
    expect((error as Error).message).toBe('child killed')
  })
})
