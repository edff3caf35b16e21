import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  Kill,
  OutputError,
  append_,
  defineProcess,
  defineWorkChain,
  input,
  launch,
  output,
  task,
  waitForResume,
  while_,
} from '../../lib/index.js'
import { runStep } from '../../lib/testing/index.js'
import { kill, out, pause, play, toContext } from '../../lib/commands/index.js'

const Child = defineProcess({
  name: 'Child',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x + 1) },
})

const Chain = defineWorkChain({
  name: 'Chain',
  spec: {
    inputs: { limit: input(t.number, { default: 2 }), label: input(t.string) },
    outputs: { count: output(t.number), label: output(t.string, { required: false }) },
  },
  context: (inputs) => ({ count: 0, label: inputs.label, results: [] as number[] }),
  steps: {
    *increment(ctx) {
      ctx.count += 1
      yield* out('count', ctx.count)
    },
    more: (ctx, { inputs }) => ctx.count < inputs.limit,
    giveUp: () => Kill('given up'),
    register: () =>
      toContext({ first: launch(Child, { x: 1 }), all: append_(task(async () => 2)) }),
    returnToContext: () => toContext({ returned: Promise.resolve(3) }),
    *generator(ctx) {
      ctx.count = 10
      const { child } = yield* toContext({ child: launch(Child, { x: ctx.count }) })
      ctx.results.push(child.y)
      const answer = yield* waitForResume(t.number, 'need a number')
      ctx.results.push(answer)
      yield* out('count', ctx.count + answer)
    },
    *control() {
      yield* pause('hold on')
      yield* play()
      yield* pause('hold on again')
      yield* kill('stop')
    },
    *forced() {
      yield* kill('stop', { force: true })
    },
    echoArgs: (ctx, { args }) => {
      ctx.label = JSON.stringify(args)
    },
    badOutput: () => out('count', 'not a number' as never),
  },
  outline: (s) => [s.increment, while_(s.more)(s.increment)],
})

describe('runStep', () => {
  it('runs a plain step on the initial context: the next snapshot and the outputs it emitted', () => {
    const run = runStep(Chain, 'increment', { inputs: { label: 'x' } })
    expect(run.ctx).toEqual({ count: 1, label: 'x', results: [] })
    expect(Object.isFrozen(run.ctx)).toBe(true)
    expect(run.emitted).toEqual([{ port: 'count', value: 1, dynamic: false }])
    expect(run.outputs).toEqual({ count: 1 })
    expect(run.returned).toBeUndefined()
    expect(run.command).toBeUndefined()
    expect(run.awaitables).toEqual([])
  })

  it('runs a step on a given snapshot, leaving the snapshot as it was', () => {
    const ctx = Object.freeze({ count: 5, label: 'y', results: Object.freeze([]) })
    const run = runStep(Chain, 'increment', {
      ctx,
      inputs: { label: 'y' },
      outputs: { label: 'before' },
    })
    expect(run.ctx).toEqual({ count: 6, label: 'y', results: [] })
    expect(ctx.count).toBe(5)
    expect(run.outputs).toEqual({ label: 'before', count: 6 })
    expect(run.emitted).toEqual([{ port: 'count', value: 6, dynamic: false }])
  })

  it('gives the command a step returns', () => {
    expect(runStep(Chain, 'giveUp', { inputs: { label: '' } }).command).toEqual(Kill('given up'))
  })

  it("gives a predicate's boolean", () => {
    const ctx = { count: 1, label: '', results: [] }
    expect(runStep(Chain, 'more', { ctx, inputs: { label: '' } }).returned).toBe(true)
    expect(runStep(Chain, 'more', { ctx, inputs: { label: '', limit: 1 } }).returned).toBe(false)
  })

  it('reports the awaitables of a toContext a step returns', () => {
    const registered = runStep(Chain, 'register', { inputs: { label: '' } })
    expect(registered.command?._tag).toBe('ToContext')
    expect(registered.awaitables.map((e) => [e.key, e.awaitable._tag, e.append])).toEqual([
      ['first', 'Launch', false],
      ['all', 'Task', true],
    ])
    expect(registered.awaitables[0]?.awaitable).toMatchObject({
      definition: Child,
      inputs: { x: 1 },
    })
    const returned = runStep(Chain, 'returnToContext', { inputs: { label: '' } })
    expect(returned.command?._tag).toBe('ToContext')
    expect(returned.awaitables.map((e) => [e.key, e.awaitable._tag])).toEqual([
      ['returned', 'Promise'],
    ])
  })

  it('stops a generator step at its first unanswered command', () => {
    const run = runStep(Chain, 'generator', { inputs: { label: '' } })
    expect(run.command?._tag).toBe('ToContext')
    expect(run.awaitables.map((e) => [e.key, e.awaitable])).toEqual([
      ['child', launch(Child, { x: 10 })],
    ])
    expect(run.ctx).toMatchObject({ count: 10 })
    expect(run.emitted).toEqual([])
  })

  it('feeds a generator step the answers given, and the results land in the context', () => {
    const waiting = runStep(Chain, 'generator', {
      inputs: { label: '' },
      answers: [{ child: { y: 11 } }],
    })
    expect(waiting.command).toEqual(waitForResume(t.number, 'need a number'))
    expect(waiting.ctx).toEqual({ count: 10, label: '', results: [11], child: { y: 11 } })
    expect(waiting.awaitables).toEqual([])

    const done = runStep(Chain, 'generator', {
      inputs: { label: '' },
      answers: [{ child: { y: 11 } }, 5],
    })
    expect(done.command).toBeUndefined()
    expect(done.ctx).toEqual({ count: 10, label: '', results: [11, 5], child: { y: 11 } })
    expect(done.emitted).toEqual([{ port: 'count', value: 15, dynamic: false }])
  })

  it('records the pause, play and kill commands a step yields, and what its transition applies', () => {
    const run = runStep(Chain, 'control', { inputs: { label: '' } })
    expect(run.yielded).toEqual([pause('hold on'), play(), pause('hold on again'), kill('stop')])
    expect(run.deeds).toMatchObject({
      pause: { message: 'hold on again' },
      kill: { message: 'stop' },
    })
    expect(run.forcedKill).toBeUndefined()
    const forced = runStep(Chain, 'forced', { inputs: { label: '' } })
    expect(forced.forcedKill).toEqual({ message: 'stop' })
  })

  it('passes the arguments of a Continue or a resume', () => {
    const run = runStep(Chain, 'echoArgs', { inputs: { label: '' }, args: [1, 'two'] })
    expect(run.ctx).toMatchObject({ label: '[1,"two"]' })
  })

  it('runs the steps of plain processes too', () => {
    const Process = defineProcess({
      name: 'Process',
      steps: { run: () => Continue('next', 1), next: (_ctx, { args }) => args[0] },
    })
    expect(runStep(Process, 'run').command).toEqual(Continue('next', 1))
    expect(runStep(Process, 'next', { args: [7] }).returned).toBe(7)
  })

  // The types refuse these (spec/testing/run-step.test-d.ts): here are the guards behind them.
  it('rejects bad inputs with an error listing every bad path', () => {
    // @ts-expect-error limit is a number, and label is missing
    expect(() => runStep(Chain, 'increment', { inputs: { limit: 'many' } })).toThrow(
      'invalid inputs for Chain:\n  inputs.limit: ',
    )
    try {
      // @ts-expect-error limit is a number, and label is missing
      runStep(Chain, 'increment', { inputs: { limit: 'many' } })
    } catch (error) {
      const message = (error as Error).message
      expect(message).toContain('inputs.limit')
      expect(message).toContain('inputs.label')
    }
  })

  it('rejects an unknown step, listing the steps there are', () => {
    // @ts-expect-error Chain has no step 'nope'
    expect(() => runStep(Chain, 'nope', { inputs: { label: '' } })).toThrow(
      "Chain has no step 'nope' (its steps: increment, more, giveUp,",
    )
  })

  it('throws the error of an invalid output', () => {
    expect(() => runStep(Chain, 'badOutput', { inputs: { label: '' } })).toThrow(OutputError)
  })
})
