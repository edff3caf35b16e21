/**
 * DESIGN.md invariant 2 over every tutorial and example workflow: checkpoint at every transition,
 * resume each checkpoint in a fresh runner, and end exactly as the uninterrupted run did.
 */
import * as t from 'io-ts'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  Continue,
  Wait,
  append_,
  defineProcess,
  defineWorkChain,
  if_,
  input,
  launch,
  output,
  return_,
  toContext,
  waitForResume,
  while_,
  type ProcessDefinition,
} from '../../lib/index.js'
import { checkResumeEquivalence, type EquivalenceOptions } from '../../lib/testing/index.js'
import * as cell01 from '../../examples/tutorial/01-simple-process.js'
import * as cell02 from '../../examples/tutorial/02-inputs-outputs.js'
import * as cell03 from '../../examples/tutorial/03-commands.js'
import * as cell04 from '../../examples/tutorial/04-listeners.js'
import * as cell05 from '../../examples/tutorial/05-asynchronicity.js'
import * as cell06 from '../../examples/tutorial/06-pause-play.js'
import * as cell07 from '../../examples/tutorial/07-simple-workchain.js'
import * as cell08 from '../../examples/tutorial/08-conditionals.js'
import * as cell09 from '../../examples/tutorial/09-while.js'
import * as cell10 from '../../examples/tutorial/10-interstep.js'
import * as cell11 from '../../examples/tutorial/11-persistence.js'
import * as cell12 from '../../examples/tutorial/12-communicator.js'
import * as cell13 from '../../examples/tutorial/13-controller.js'
import { Pipeline, RoundPipeline, Work, expectedTotal } from '../../examples/scaling/definitions.js'
import { out, pause, sleep } from '../../lib/commands/index.js'

/**
 * The README examples are scripts that run when imported: they are imported once, quietly, for
 * the definitions they export.
 */
const readme = await (async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  try {
    const [quickStart, inAProgram, ownLoop] = await Promise.all([
      import('../../examples/readme/sum-of-squares.js'),
      import('../../examples/readme/in-a-program.js'),
      import('../../examples/readme/own-loop.js'),
    ])
    return { quickStart, ...inAProgram, ...ownLoop }
  } finally {
    log.mockRestore()
  }
})()

const Child = defineProcess({
  name: 'Child',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

/** A chain that waits on children (one at a time, several at once, appended, and in a generator). */
const Family = defineWorkChain({
  name: 'Family',
  spec: { inputs: { n: input(t.number, { default: 3 }) }, outputs: { total: output(t.number) } },
  context: () => ({ i: 0, total: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    *spawn(ctx) {
      yield* toContext({ kid: launch(Child, { x: ctx.i }), many: append_(launch(Child, { x: 1 })) })
    },
    add(ctx) {
      ctx.total += (ctx as unknown as { kid: { y: number } }).kid.y
      ctx.i += 1
    },
    *inside(ctx) {
      const { late } = yield* toContext({ late: launch(Child, { x: 50 }) })
      ctx.total += late.y
    },
    big: (ctx) => ctx.total > 1000,
    *done(ctx) {
      yield* out('total', ctx.total)
    },
  },
  outline: (s) => [while_(s.more)(s.spawn, s.add), s.inside, if_(s.big)(return_(1)), s.done],
})

/** A process that waits for resume, twice, once inside a generator step. */
const Patient = defineProcess({
  name: 'Patient',
  spec: { outputs: { got: output() } },
  steps: {
    run: () => Wait('second'),
    *second(_ctx, { args }) {
      const again = yield* waitForResume(t.number)
      yield* out('got', [args[0], again])
      return Continue('last', 'a', 'b')
    },
    last: (_ctx, { args }) => args,
  },
})

/** A chain that sleeps twice: the second deadline is fixed when the second sleep starts. */
const Sleeper = defineWorkChain({
  name: 'Sleeper',
  spec: { outputs: { first: output(t.number), second: output(t.number) } },
  context: () => ({ first: 0 }),
  steps: {
    *nap(ctx) {
      ctx.first = yield* sleep('1 day')
    },
    *again(ctx) {
      yield* out('first', ctx.first)
      yield* out('second', yield* sleep('2h'))
    },
  },
  outline: (s) => [s.nap, s.again],
})

/** A chain that pauses itself in the middle. */
const Pausing = defineWorkChain({
  name: 'Pausing',
  spec: { outputs: { steps: output(t.number) } },
  context: () => ({ steps: 0 }),
  steps: {
    *one(ctx) {
      ctx.steps += 1
      yield* pause('taking a break')
    },
    *two(ctx) {
      ctx.steps += 1
      yield* out('steps', ctx.steps)
    },
  },
  outline: (s) => [s.one, s.two],
})

const cases: [string, ProcessDefinition, unknown, EquivalenceOptions?][] = [
  ['01 SimpleProcess', cell01.SimpleProcess, {}],
  ['02 SpecProcess', cell02.SpecProcess, { input1: 'my input', input2: { input2a: 'other' } }],
  ['03 ContinueProcess (killed)', cell03.ContinueProcess, {}],
  ['04 WaitProcess (waiting)', cell04.WaitProcess, {}],
  ['05 NamedProcess', cell05.NamedProcess, { name: 'process1' }],
  ['06 PauseProcess (paused)', cell06.PauseProcess, {}],
  ['06 SimpleProcess', cell06.SimpleProcess, {}],
  ['07 SimpleWorkChain', cell07.SimpleWorkChain, {}],
  ['08 IfWorkChain', cell08.IfWorkChain, { run: true }],
  ['09 WhileWorkChain', cell09.WhileWorkChain, {}],
  ['10 InternalProcess', cell10.InternalProcess, { name: 'alone' }],
  ['10 InterstepWorkChain', cell10.InterstepWorkChain, {}],
  [
    '10 InterstepWorkChain with a child',
    cell10.InterstepWorkChain,
    { process: true },
    { children: [cell10.InternalProcess] },
  ],
  [
    '10 InterstepWorkChain with a child and a task',
    cell10.InterstepWorkChain,
    { process: true, awaitable: true },
    { children: [cell10.InternalProcess] },
  ],
  ['11 PersistWorkChain', cell11.PersistWorkChain, {}],
  ['12 SimpleProcess', cell12.SimpleProcess, {}],
  ['13 ControlledWorkChain', cell13.ControlledWorkChain, { steps: 4 }],
  [
    'README SumOfSquares',
    readme.quickStart.SumOfSquares,
    { n: 3 },
    { children: [readme.quickStart.Square] },
  ],
  ['README Square', readme.Square, { x: 3 }],
  ['README Double', readme.Double, { x: 21 }],
  ['scaling Work', Work, { pipeline: 'p', index: 4 }],
  ['scaling Pipeline', Pipeline, { n: 3 }, { children: [Work] }],
  ['scaling RoundPipeline (generator)', RoundPipeline, { n: 3 }, { children: [Work] }],
  ['a chain waiting on children', Family, {}, { children: [Child] }],
  ['a chain ending with an exit code', Family, { n: 40 }, { children: [Child] }],
  ['a process waiting for resume', Patient, {}, { resumeWith: (p) => p.pid.length }],
  ['a chain that pauses itself', Pausing, {}],
  ['a chain that sleeps twice', Sleeper, {}, { start: 1_000 }],
]

describe('checkResumeEquivalence over the examples', () => {
  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
  })
  afterAll(() => {
    vi.restoreAllMocks()
  })

  it.each(cases)(
    '%s resumes from every checkpoint to the same end',
    async (_name, definition, inputs, options) => {
      const report = await checkResumeEquivalence(definition, inputs, options)
      const different = report.verdicts.filter((v) => v.verdict === 'different')
      expect(different).toEqual([])
      const checked = report.verdicts.filter((v) => v.verdict === 'equivalent')
      // Every checkpoint is checked, except those waiting on a promise (which cannot survive a
      // restart); the first (CREATED) and the last (terminal) at least.
      expect(checked.length).toBeGreaterThanOrEqual(2)
      for (const skipped of report.verdicts.filter((v) => v.verdict === 'skipped'))
        expect(skipped).toMatchObject({
          state: 'WAITING',
          reason: expect.stringMatching(/promise/),
        })
    },
  )

  it('checks the waiting checkpoints of a chain that waits on children', async () => {
    const report = await checkResumeEquivalence(Family, {}, { children: [Child] })
    expect(report.reference).toMatchObject({ state: 'FINISHED', outputs: { total: 106 } })
    const waiting = report.verdicts.filter((v) => v.state === 'WAITING')
    expect(waiting.length).toBe(4)
    expect(waiting.every((v) => v.verdict === 'equivalent')).toBe(true)
  })

  it('checks every waiting checkpoint of a scaling pipeline, which ends with its total', async () => {
    const report = await checkResumeEquivalence(Pipeline, { n: 3 }, { children: [Work] })
    expect(report.reference).toMatchObject({
      state: 'FINISHED',
      outputs: { total: expectedTotal(3), rounds: 3 },
    })
    const waiting = report.verdicts.filter((v) => v.state === 'WAITING')
    expect(waiting.length).toBe(3)
    expect(waiting.every((v) => v.verdict === 'equivalent')).toBe(true)
  })

  it('checks every sleeping checkpoint of a chain that sleeps twice, deadlines included', async () => {
    const report = await checkResumeEquivalence(Sleeper, {}, { start: 1_000 })
    expect(report.reference.outputs).toEqual({
      first: 1_000 + 86_400_000,
      second: 1_000 + 86_400_000 + 7_200_000,
    })
    const waiting = report.verdicts.filter((v) => v.state === 'WAITING')
    expect(waiting.length).toBe(2)
    expect(waiting.every((v) => v.verdict === 'equivalent')).toBe(true)
  })

  it('checks the checkpoints taken at a pause and at a play', async () => {
    const report = await checkResumeEquivalence(cell06.PauseProcess, {})
    const seen = report.verdicts.map((v) => `${v.state}${v.paused ? ' paused' : ''}`)
    // Paused by its step, the step's transition while paused, played, finished.
    expect(seen).toEqual([
      'CREATED',
      'RUNNING',
      'RUNNING paused',
      'RUNNING paused',
      'RUNNING',
      'FINISHED',
    ])
    expect(report.verdicts.every((v) => v.verdict === 'equivalent')).toBe(true)
  })

  it('notices a workflow whose resumed run ends differently', async () => {
    let calls = 0
    const Impure = defineWorkChain({
      name: 'Impure',
      spec: { outputs: { calls: output(t.number) } },
      steps: {
        a() {
          calls += 1
        },
        b: () => out('calls', calls),
      },
      outline: (s) => [s.a, s.b],
    })
    const report = await checkResumeEquivalence(Impure, {})
    expect(report.equivalent).toBe(false)
  })
})
