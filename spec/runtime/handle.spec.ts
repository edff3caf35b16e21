/**
 * Reading the results of live processes: `execute`, `result`, success, exit codes, outputs, and
 * the arguments steps are given.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { input, namespace, output } from '../../lib/ports/index.js'
import { Continue, exitCode, Kill, out, unsuccessful, Wait } from '../../lib/commands/index.js'
import { ClosedError, InvalidStateError, KilledError } from '../../lib/process/errors.js'
import { OutputError } from '../../lib/step/errors.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { quietRunner, recordingListener, rejectionOf } from './helpers.js'

const Double = defineProcess({
  name: 'Double',
  spec: {
    inputs: {
      x: input(t.number),
      options: namespace({ factor: input(t.number, { default: 2 }), label: input(t.string) }),
    },
    outputs: { y: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('y', inputs.x * inputs.options.factor)
      return `${inputs.options.label}: done`
    },
  },
})

describe('ProcessHandle.execute and result', () => {
  it('resolves to the outputs; result() is the return value', async () => {
    const runner = quietRunner()
    const proc = Double.create({ x: 21, options: { label: 'twice' } }, { runner })
    await expect(proc.execute()).resolves.toEqual({ y: 42 })
    expect(proc.state).toBe('FINISHED')
    expect(proc.result()).toBe('twice: done')
    expect(proc.outputs).toEqual({ y: 42 })
    expect(proc.isSuccessful).toBe(true)
    expect(proc.successful()).toBe(true)
    expect(proc.exitStatus).toBe(0)
    expect(runner.get(proc.pid)).toBeUndefined()
  })

  it('is its own interpreter loop: one object per process, which the runners act for', async () => {
    const runner = quietRunner()
    const proc = Double.create({ x: 2, options: { label: 'once' } }, { runner })
    expect(proc.loop).toBe(proc)
    expect(proc.loop.owner).toBe(proc)
    await expect(proc.execute()).resolves.toEqual({ y: 4 })
    expect(proc.loop.snapshot).toBe(proc.snapshot)
  })

  it('has an undefined result when the step returns nothing', async () => {
    const Simple = defineProcess({ name: 'Simple', steps: { run() {} } })
    const proc = Simple.create(undefined, { runner: quietRunner() })
    await expect(proc.execute()).resolves.toEqual({})
    expect(proc.result()).toBeUndefined()
    expect(proc.isSuccessful).toBe(true)
  })

  it('rejects with a KilledError for a KILLED process; result() throws the same message', async () => {
    const Killer = defineProcess({
      name: 'Killer',
      steps: { run: () => Continue('continueFn'), continueFn: () => Kill('I was killed') },
    })
    const proc = Killer.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(error).toBeInstanceOf(KilledError)
    expect((error as KilledError).message).toBe('I was killed')
    expect(() => proc.result()).toThrow(KilledError)
    expect(() => proc.result()).toThrow('I was killed')
    expect(proc.state).toBe('KILLED')
    expect(proc.status).toBe('I was killed')
    expect(proc.isSuccessful).toBe(false)
    expect(proc.successful()).toBe(false)
  })

  it('rejects with the original error for an EXCEPTED process; result() throws it too', async () => {
    class MyError extends Error {}
    const original = new MyError('step went wrong')
    const Failing = defineProcess({
      name: 'Failing',
      steps: {
        run() {
          throw original
        },
      },
    })
    const proc = Failing.create(undefined, { runner: quietRunner() })
    expect(await rejectionOf(proc.execute())).toBe(original)
    expect(proc.state).toBe('EXCEPTED')
    expect(() => proc.result()).toThrow(original)
    expect(proc.exception()).toBe(original)
    expect(proc.isSuccessful).toBe(false)
    expect(proc.successful()).toBe(false)
  })

  it('describes a thrown non-error in the EXCEPTED state', async () => {
    const Failing = defineProcess({
      name: 'Failing',
      steps: {
        run() {
          throw 'just a string'
        },
      },
    })
    const proc = Failing.create(undefined, { runner: quietRunner() })
    await rejectionOf(proc.execute())
    expect(proc.snapshot.state).toMatchObject({
      _tag: 'EXCEPTED',
      error: { message: 'just a string' },
    })
  })

  it('refuses successful() and result() before the process has terminated', async () => {
    const Waits = defineProcess({
      name: 'Waits',
      steps: { run: () => Wait('done'), done: () => 1 },
    })
    const proc = Waits.create(undefined, { runner: quietRunner() })
    expect(() => proc.successful()).toThrow(InvalidStateError)
    expect(() => proc.result()).toThrow(InvalidStateError)
    const running = proc.execute()
    expect(proc.state).toBe('WAITING')
    expect(() => proc.successful()).toThrow(InvalidStateError)
    expect(() => proc.result()).toThrow(InvalidStateError)
    expect(proc.isSuccessful).toBe(false)
    proc.resume()
    await running
    expect(proc.result()).toBe(1)
  })

  it('refuses a second execute() of a process a first one ran, with a ClosedError', async () => {
    const proc = Double.create({ x: 1, options: { label: 'a' } }, { runner: quietRunner() })
    await proc.execute()
    expect(await rejectionOf(proc.execute())).toBeInstanceOf(ClosedError)
  })

  it('gives the outcome of a process that ended on its own: its outputs, or its own error', async () => {
    const proc = Double.create({ x: 1, options: { label: 'a' } }, { runner: quietRunner() })
    await proc.stepUntilTerminated()
    await expect(proc.execute()).resolves.toEqual({ y: 2 })
    const failure = new Error('no')
    const Failing = defineProcess({
      name: 'Failing',
      steps: {
        run: () => {
          throw failure
        },
      },
    })
    const failed = Failing.create(undefined, { runner: quietRunner() })
    await failed.stepUntilTerminated()
    expect(await rejectionOf(failed.execute())).toBe(failure)
  })

  it('finishes unsuccessfully on an unsuccessful result', async () => {
    const Meh = defineProcess({ name: 'Meh', steps: { run: () => unsuccessful('meh') } })
    const proc = Meh.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.state).toBe('FINISHED')
    expect(proc.result()).toBe('meh')
    expect(proc.isSuccessful).toBe(false)
  })

  it('finishes, not successfully, with a non-zero exit code; status and message readable', async () => {
    const Checked = defineProcess({
      name: 'Checked',
      spec: {
        inputs: { x: input(t.number) },
        exitCodes: { ERROR_NEGATIVE: { status: 300, message: 'the number is negative' } },
      },
      steps: {
        run: (_ctx, { inputs }) =>
          inputs.x < 0 ? exitCode(300, 'the number is negative') : exitCode(0),
      },
    })
    const bad = Checked.create({ x: -1 }, { runner: quietRunner() })
    await expect(bad.execute()).resolves.toEqual({})
    expect(bad.state).toBe('FINISHED')
    expect(bad.isSuccessful).toBe(false)
    expect(bad.exitStatus).toBe(300)
    expect(bad.exitMessage).toBe('the number is negative')
    const good = Checked.create({ x: 1 }, { runner: quietRunner() })
    await good.execute()
    expect(good.isSuccessful).toBe(true)
    expect(good.exitStatus).toBe(0)
  })
})

describe('ProcessHandle outputs', () => {
  it('sends the process to EXCEPTED on an output of the wrong type', async () => {
    const Bad = defineProcess({
      name: 'Bad',
      spec: { outputs: { y: output(t.number) } },
      steps: { run: () => out('y', 'nope' as never) },
    })
    const proc = Bad.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(error).toBeInstanceOf(OutputError)
    expect((error as Error).message).toMatch(/'y'/)
    expect(proc.state).toBe('EXCEPTED')
    expect(proc.outputs).toEqual({})
  })

  it('sends the process to EXCEPTED on an output to an undeclared port', async () => {
    const Bad = defineProcess({
      name: 'Bad',
      spec: { outputs: { y: output(t.number) } },
      steps: { run: () => out('z' as string as 'y', 1) },
    })
    const proc = Bad.create(undefined, { runner: quietRunner() })
    expect(await rejectionOf(proc.execute())).toBeInstanceOf(OutputError)
    expect(proc.state).toBe('EXCEPTED')
  })

  it('finishes unsuccessfully, not EXCEPTED, when a required output is missing', async () => {
    const Lazy = defineProcess({
      name: 'Lazy',
      spec: { outputs: { y: output(t.number), z: output(t.number) } },
      steps: { run: () => out('y', 1) },
    })
    const proc = Lazy.create(undefined, { runner: quietRunner() })
    await expect(proc.execute()).resolves.toEqual({ y: 1 })
    expect(proc.state).toBe('FINISHED')
    expect(proc.isSuccessful).toBe(false)
    expect(proc.exitMessage).toMatch(/outputs\.z/)
  })

  it('does not require optional outputs', async () => {
    const Fine = defineProcess({
      name: 'Fine',
      spec: { outputs: { y: output(t.number, { required: false }) } },
      steps: { run() {} },
    })
    const proc = Fine.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.isSuccessful).toBe(true)
  })

  it('accepts dynamic outputs under a dynamic namespace, making sub-namespaces', async () => {
    const { heard, listener } = recordingListener()
    const Dyn = defineProcess({
      name: 'Dyn',
      spec: {
        outputs: {
          fixed: output(t.string),
          extra: namespace({}, { valueType: t.number }),
        },
      },
      steps: {
        *run(_ctx) {
          yield* out('fixed', 'f')
          yield* out('extra.a', 1)
          yield* out('extra.deep.b', 2)
        },
      },
    })
    const proc = Dyn.create(undefined, { runner: quietRunner(), listeners: [listener] })
    await expect(proc.execute()).resolves.toEqual({ fixed: 'f', extra: { a: 1, deep: { b: 2 } } })
    expect(heard.filter((h) => h.startsWith('output'))).toEqual([
      'output fixed="f"',
      'output extra.a=1 (dynamic)',
      'output extra.deep.b=2 (dynamic)',
    ])
  })

  it('checks dynamic outputs against the namespace value type', async () => {
    const Dyn = defineProcess({
      name: 'Dyn',
      spec: { outputs: { extra: namespace({}, { valueType: t.number }) } },
      steps: { run: () => out('extra.a', 'not a number' as never) },
    })
    const proc = Dyn.create(undefined, { runner: quietRunner() })
    expect(await rejectionOf(proc.execute())).toBeInstanceOf(OutputError)
  })

  it('keeps outputs deeply frozen', async () => {
    const Out = defineProcess({
      name: 'Out',
      spec: { outputs: { y: output(t.unknown) } },
      steps: { run: () => out('y', { list: [1] }) },
    })
    const proc = Out.create(undefined, { runner: quietRunner() })
    const outputs = (await proc.execute()) as { y: { list: number[] } }
    expect(Object.isFrozen(outputs)).toBe(true)
    expect(Object.isFrozen(outputs.y.list)).toBe(true)
  })
})

describe('ProcessHandle steps and arguments', () => {
  it('hands every argument of Continue to the next step', async () => {
    const seen: unknown[] = []
    const Args = defineProcess({
      name: 'Args',
      steps: {
        run: () => Continue('next', 1, 'two', { three: 3 }),
        next: (_ctx, { args }) => void seen.push(...args),
      },
    })
    await Args.create(undefined, { runner: quietRunner() }).execute()
    expect(seen).toEqual([1, 'two', { three: 3 }])
  })

  it('hands the resume value to the next step as its argument', async () => {
    const Resumable = defineProcess({
      name: 'Resumable',
      steps: {
        run: () => Wait('second', 'waiting for a number'),
        second: (_ctx, { args }) => args,
      },
    })
    const proc = Resumable.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.state).toBe('WAITING')
    expect(proc.snapshot.state).toMatchObject({ message: 'waiting for a number' })
    proc.resume(41)
    await done
    expect(proc.result()).toEqual([41])
  })

  it('sends Continue to an unknown step to EXCEPTED, naming the step', async () => {
    // The types refuse it (see spec/process/infer.test-d.ts); this is the guard behind them.
    // @ts-expect-error 'unknownStep' is not a step of Lost
    const Lost = defineProcess({ name: 'Lost', steps: { run: () => Continue('unknownStep') } })
    const proc = Lost.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(proc.state).toBe('EXCEPTED')
    expect((error as Error).message).toMatch(/unknownStep/)
  })

  it('gives steps frozen inputs', async () => {
    let frozen: boolean | undefined
    const Frozen = defineProcess({
      name: 'Frozen',
      spec: { inputs: { sub: namespace({ x: input(t.number) }) } },
      steps: {
        run(_ctx, { inputs }) {
          frozen = Object.isFrozen(inputs) && Object.isFrozen(inputs.sub)
        },
      },
    })
    await Frozen.create({ sub: { x: 1 } }, { runner: quietRunner() }).execute()
    expect(frozen).toBe(true)
  })
})

/** How many microtask turns pass before `promise` settles (counted up to 10). */
const turnsUntilSettled = async (promise: Promise<unknown>): Promise<number> => {
  let turns = 0
  let settledAt: number | undefined
  const settled = promise.then(
    () => void (settledAt ??= turns),
    () => void (settledAt ??= turns),
  )
  for (let i = 0; i < 10; i++) {
    await Promise.resolve()
    turns += 1
  }
  await settled
  return settledAt ?? -1
}

describe('ProcessHandle.execute of a process that ends in the same turn', () => {
  it('fulfils with the outputs at once, and rejects with a failure two turns later', async () => {
    const Fails = defineProcess({
      name: 'Fails',
      steps: {
        run() {
          throw new Error('no')
        },
      },
    })
    const runner = quietRunner()
    const finished = Double.create({ x: 1, options: { label: 'l' } }, { runner })
    expect(await turnsUntilSettled(finished.execute())).toBe(0)
    const failed = Fails.create(undefined, { runner })
    expect(await turnsUntilSettled(failed.execute())).toBe(2)
  })
})
