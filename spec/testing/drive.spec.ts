import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  KilledError,
  Wait,
  append_,
  defineProcess,
  defineWorkChain,
  if_,
  input,
  launch,
  output,
  return_,
  task,
  waitForResume,
  while_,
} from '../../lib/index.js'
import { driveDefinition, unanswered, type AwaitRequest } from '../../lib/testing/index.js'
import { kill, out, pause, toContext } from '../../lib/commands/index.js'

/** The tutorial's WhileWorkChain. */
const WhileWorkChain = defineWorkChain({
  name: 'WhileWorkChain',
  spec: { inputs: { steps: input(t.number, { default: 3 }) } },
  context: () => ({ iterator: 0 }),
  steps: {
    initStep(ctx) {
      ctx.iterator = 0
    },
    whileStep(ctx, { inputs }) {
      ctx.iterator += 1
      return ctx.iterator <= inputs.steps
    },
    conditionalStep() {},
  },
  outline: (s) => [s.initStep, while_(s.whileStep)(s.conditionalStep)],
})

const Child = defineProcess({
  name: 'Child',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const Parent = defineWorkChain({
  name: 'Parent',
  spec: { outputs: { sum: output(t.number) } },
  context: () => ({}) as { a?: { y: number }; b?: { y: number }; t?: number; list?: number[] },
  steps: {
    launchTwo: () => toContext({ a: launch(Child, { x: 1 }), b: launch(Child, { x: 2 }) }),
    more: () =>
      toContext({ t: task(async () => 0), list: append_(Promise.resolve(0), Promise.resolve(0)) }),
    sum: (ctx) =>
      out('sum', (ctx.a?.y ?? 0) + (ctx.b?.y ?? 0) + (ctx.t ?? 0) + (ctx.list?.length ?? 0)),
    never: () => undefined,
  },
  outline: (s) => [s.launchTwo, s.more, s.sum],
})

/** Answers launches of Child as Child would; tasks and promises with 10 and 20. */
const childAnswers = (request: AwaitRequest): unknown => {
  if (request.kind === 'launch') return { y: (request.inputs as { x: number }).x * 2 }
  return request.kind === 'task' ? 10 : 20
}

describe('driveDefinition', () => {
  it("traces the tutorial's WhileWorkChain step by step, synchronously", () => {
    const run = driveDefinition(WhileWorkChain, {})
    expect(run).not.toBeInstanceOf(Promise)
    expect(run.trace).toEqual([
      {
        step: 'initStep',
        cursor: '0:initStep',
        outcome: 'Continue',
        ctx: { iterator: 0 },
        emitted: [],
      },
      ...[1, 2, 3].map((iterator) => ({
        step: 'conditionalStep',
        cursor: '1:while_(whileStep)(0:conditionalStep)',
        outcome: 'Continue',
        ctx: { iterator },
        emitted: [],
      })),
      // The last call runs only the predicate, which ends the outline.
      {
        step: undefined,
        cursor: '1:while_(whileStep)',
        outcome: 'Stop',
        ctx: { iterator: 4 },
        emitted: [],
      },
    ])
    expect([run.state, run.stopped, run.result, run.error]).toEqual([
      'FINISHED',
      'terminal',
      undefined,
      undefined,
    ])
    expect(run.snapshot.pid).toBe('test-pid')
    expect(run.snapshot.ctx).toEqual({ iterator: 4 })
    expect(Object.isFrozen(run.snapshot.ctx)).toBe(true)
  })

  it('takes the inputs through the spec, and a pid when given', () => {
    const run = driveDefinition(WhileWorkChain, { steps: 1 }, { pid: 'fixed' })
    expect(run.trace.map((e) => e.step)).toEqual(['initStep', 'conditionalStep', undefined])
    expect(run.snapshot.pid).toBe('fixed')
    expect(() => driveDefinition(WhileWorkChain, { steps: 'x' })).toThrow(
      /invalid inputs for WhileWorkChain:\n {2}inputs\.steps/,
    )
  })

  it('answers children, tasks and promises from the script', () => {
    const seen: AwaitRequest[] = []
    const run = driveDefinition(
      Parent,
      {},
      {
        answer: (request) => {
          seen.push(request)
          return childAnswers(request)
        },
      },
    )
    expect(run.requests).toEqual([
      { key: 'a', kind: 'launch', definition: 'Child', inputs: { x: 1 }, append: false },
      { key: 'b', kind: 'launch', definition: 'Child', inputs: { x: 2 }, append: false },
      { key: 't', kind: 'task', append: false },
      { key: 'list', kind: 'promise', append: true },
      { key: 'list', kind: 'promise', append: true },
    ])
    expect(seen).toEqual(run.requests)
    expect(run.trace.map((e) => [e.cursor, e.outcome])).toEqual([
      ['0:launchTwo', 'Wait'],
      ['1:more', 'Wait'],
      ['2:sum', 'Stop'],
    ])
    expect(run.snapshot.ctx).toEqual({ a: { y: 2 }, b: { y: 4 }, t: 10, list: [20, 20] })
    expect(run.outputs).toEqual({ sum: 18 })
    expect(run.trace[2]?.emitted).toEqual([{ port: 'sum', value: 18, dynamic: false }])
    expect(run.state).toBe('FINISHED')
  })

  it('fails the chain with the Error the script gives for a child', () => {
    const failure = new Error('child excepted')
    const run = driveDefinition(
      Parent,
      {},
      {
        answer: (request) => (request.key === 'b' ? failure : childAnswers(request)),
      },
    )
    expect([run.state, run.stopped]).toEqual(['EXCEPTED', 'terminal'])
    expect(run.error).toBe(failure)
    expect(run.snapshot.state).toMatchObject({ error: { message: 'child excepted' } })
    expect(run.trace.map((e) => e.step)).toEqual(['launchTwo'])
  })

  it('blocks on an awaitable the script leaves unanswered, saying which', () => {
    const run = driveDefinition(
      Parent,
      {},
      {
        answer: (request) => (request.key === 'b' ? unanswered : childAnswers(request)),
      },
    )
    expect([run.state, run.stopped]).toEqual(['WAITING', 'blocked'])
    expect(run.blockedOn).toEqual([
      { key: 'b', kind: 'launch', definition: 'Child', inputs: { x: 2 }, append: false },
    ])
    expect(run.snapshot.state).toMatchObject({
      _tag: 'WAITING',
      awaiting: [
        { key: 'a', done: true, value: { y: 2 } },
        { key: 'b', done: false },
      ],
    })
    expect(driveDefinition(Parent, {}).blockedOn.map((r) => r.key)).toEqual(['a', 'b'])
  })

  describe('waiting for resume', () => {
    const Asking = defineWorkChain({
      name: 'Asking',
      spec: { outputs: { answers: output(t.array(t.unknown)) } },
      steps: {
        *ask(_ctx) {
          const first = yield* waitForResume(undefined, 'first?')
          const second = yield* waitForResume(undefined, 'second?')
          yield* out('answers', [first, second])
        },
      },
      outline: (s) => [s.ask],
    })

    it('blocks when no resume is scripted', () => {
      const run = driveDefinition(Asking, {})
      expect([run.state, run.stopped, run.blockedOn]).toEqual(['WAITING', 'blocked', []])
      expect(run.snapshot.state).toMatchObject({ _tag: 'WAITING', message: 'first?' })
    })

    it('answers from script.resumes, in order', () => {
      expect(driveDefinition(Asking, {}, { resumes: ['one'] }).snapshot.state).toMatchObject({
        _tag: 'WAITING',
        message: 'second?',
      })
      const run = driveDefinition(Asking, {}, { resumes: ['one', 2] })
      expect(run.state).toBe('FINISHED')
      expect(run.outputs).toEqual({ answers: ['one', 2] })
      expect(run.trace.map((e) => [e.cursor, e.outcome])).toEqual([
        ['0:ask', 'Wait'],
        ['0:ask', 'Wait'],
        ['0:ask', 'Stop'],
      ])
    })

    it('resumes plain processes at the step their Wait names, with the value', () => {
      const Process = defineProcess({
        name: 'Process',
        steps: {
          run: () => Continue('ask', 'from run'),
          ask: (_ctx, { args }) => Wait('done', `got ${String(args[0])}`),
          done: (_ctx, { args }) => args[0],
        },
      })
      const run = driveDefinition(Process, {}, { resumes: [42] })
      expect(run.trace.map((e) => [e.cursor, e.outcome])).toEqual([
        ['run', 'Continue'],
        ['ask', 'Wait'],
        ['done', 'Stop'],
      ])
      expect([run.state, run.result]).toEqual(['FINISHED', 42])
    })
  })

  it('ends with the exit status of a return_', () => {
    const Coded = defineWorkChain({
      name: 'Coded',
      spec: { exitCodes: { NOPE: { status: 410, message: 'Nope.' } } },
      steps: { a: () => undefined, b: () => undefined, no: () => false },
      outline: (s) => [s.a, while_(s.no)(s.b), return_('NOPE'), s.b],
    })
    const run = driveDefinition(Coded, {})
    expect(run.snapshot.state).toEqual({
      _tag: 'FINISHED',
      result: undefined,
      successful: false,
      exitStatus: 410,
      exitMessage: 'Nope.',
    })
    // As plumpy's stepper does: the call where the while_ ends runs no step, and the return_
    // that follows it is taken by a call of its own.
    expect(run.trace.map((e) => [e.step, e.cursor, e.outcome])).toEqual([
      ['a', '0:a', 'Continue'],
      [undefined, '1:while_(no)', 'Continue'],
      [undefined, '2:return_(NOPE)', 'Stop'],
    ])
  })

  it('takes a return_ that follows a step in a call of its own, as plumpy does', () => {
    const Early = defineWorkChain({
      name: 'Early',
      context: () => ({ i: 0 }),
      steps: { more: () => true, work: (ctx) => void (ctx.i += 1), done: (ctx) => ctx.i === 1 },
      outline: (s) => [while_(s.more)(if_(s.done)(s.work, return_(3)).else_(s.work))],
    })
    const run = driveDefinition(Early, {})
    expect(run.trace.map((e) => [e.cursor, e.outcome])).toEqual([
      ['0:while_(more)(0:else_(0:work))', 'Continue'],
      ['0:while_(more)(0:if_(done)(0:work))', 'Continue'],
      ['0:while_(more)(0:if_(done)(1:return_(3)))', 'Stop'],
    ])
    expect(run.snapshot.state).toMatchObject({ exitStatus: 3 })
    expect(run.snapshot.ctx).toEqual({ i: 2 })
  })

  it('records a step that throws, and ends EXCEPTED with its error', () => {
    const boom = new Error('boom')
    const Throwing = defineWorkChain({
      name: 'Throwing',
      context: () => ({ n: 0 }),
      steps: {
        ok: (ctx) => void (ctx.n += 1),
        bad: (ctx) => {
          ctx.n = 100
          throw boom
        },
      },
      outline: (s) => [s.ok, s.bad, s.ok],
    })
    const run = driveDefinition(Throwing, {})
    expect(run.trace.map((e) => [e.step, e.outcome, e.ctx])).toEqual([
      ['ok', 'Continue', { n: 1 }],
      ['bad', 'Failed', { n: 1 }],
    ])
    expect([run.state, run.error]).toEqual(['EXCEPTED', boom])
    expect(run.snapshot.ctx).toEqual({ n: 1 })
  })

  it('fails the step that launches a child with invalid inputs', () => {
    const BadLaunch = defineWorkChain({
      name: 'BadLaunch',
      steps: { go: () => toContext({ c: launch(Child, { x: 'one' } as never) }) },
      outline: (s) => [s.go],
    })
    const run = driveDefinition(BadLaunch, {}, { answer: childAnswers })
    expect(run.state).toBe('EXCEPTED')
    expect(run.error?.message).toMatch(/invalid inputs for Child/)
    expect(run.requests).toEqual([])
  })

  it('records the pause and kill steps ask for, and obeys them', () => {
    const Pausing = defineWorkChain({
      name: 'Pausing',
      steps: { a: () => pause('a break'), b: () => undefined },
      outline: (s) => [s.a, s.b],
    })
    const paused = driveDefinition(Pausing, {})
    expect([paused.state, paused.stopped]).toEqual(['RUNNING', 'paused'])
    expect(paused.snapshot.status).toBe('a break')
    expect(paused.trace[0]?.deeds).toMatchObject({ pause: { message: 'a break' } })
    expect(paused.trace.map((e) => e.step)).toEqual(['a'])

    const Killing = defineWorkChain({
      name: 'Killing',
      steps: { a: () => kill('enough'), b: () => undefined },
      outline: (s) => [s.a, s.b],
    })
    const killed = driveDefinition(Killing, {})
    expect([killed.state, killed.stopped]).toEqual(['KILLED', 'terminal'])
    expect(killed.error).toBeInstanceOf(KilledError)
    expect(killed.error?.message).toBe('enough')
    expect(killed.trace[0]?.deeds).toMatchObject({ kill: { message: 'enough' } })
    expect(killed.trace.map((e) => e.step)).toEqual(['a'])
  })

  it('calls the definition hooks; a failing one ends the process EXCEPTED', () => {
    const calls: string[] = []
    const hookError = new Error('hook failed')
    const Hooked = defineWorkChain({
      name: 'Hooked',
      steps: { a: () => undefined },
      outline: (s) => [s.a],
      hooks: {
        onCreate: (p) => void calls.push(`create ${p.state}`),
        onRunning: (p) => void calls.push(`running ${p.state}`),
        onFinish: () => {
          throw hookError
        },
      },
    })
    const run = driveDefinition(Hooked, {})
    expect(calls).toEqual(['create CREATED', 'running RUNNING'])
    expect([run.state, run.error]).toEqual(['EXCEPTED', hookError])
  })

  it('gives up with an error after maxSteps steps', () => {
    const Endless = defineWorkChain({
      name: 'Endless',
      steps: { always: () => true, spin: () => undefined },
      outline: (s) => [while_(s.always)(s.spin)],
    })
    expect(() => driveDefinition(Endless, {}, { maxSteps: 50 })).toThrow(
      'Endless took more than 50 steps; the last ones: 0:while_(always)(0:spin)',
    )
  })

  it('drives generator steps through their journal', () => {
    const Gen = defineWorkChain({
      name: 'Gen',
      spec: { outputs: { y: output(t.number) } },
      steps: {
        *go(_ctx) {
          const { child } = yield* toContext({ child: launch(Child, { x: 4 }) })
          const { again } = yield* toContext({ again: launch(Child, { x: child.y }) })
          yield* out('y', again.y)
        },
      },
      outline: (s) => [s.go],
    })
    const run = driveDefinition(Gen, {}, { answer: childAnswers })
    expect(run.outputs).toEqual({ y: 16 })
    expect(run.snapshot.ctx).toEqual({ child: { y: 8 }, again: { y: 16 } })
    expect(run.trace.map((e) => [e.cursor, e.outcome])).toEqual([
      ['0:go', 'Wait'],
      ['0:go', 'Wait'],
      ['0:go', 'Stop'],
    ])
  })
})
