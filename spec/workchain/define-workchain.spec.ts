import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  Kill,
  Runner,
  Stop,
  toContext,
  defineWorkChain,
  exitCode,
  if_,
  input,
  output,
  return_,
  silentLogger,
  task,
  unsuccessful,
  while_,
} from '../../lib/index.js'
import { out } from '../../lib/commands/index.js'
import { newRunner, run } from './helpers.js'

describe('defineWorkChain: the outline', () => {
  it('runs its steps in order', async () => {
    const log: string[] = []
    const Steps = defineWorkChain({
      name: 'Steps',
      steps: {
        step1: () => void log.push('step1'),
        step2: () => void log.push('step2'),
        step3: () => void log.push('step3'),
      },
      outline: (s) => [s.step1, s.step2, s.step3],
    })
    const process = await run(Steps.create({}, { runner: newRunner() }))
    expect(log).toEqual(['step1', 'step2', 'step3'])
    expect(process.state).toBe('FINISHED')
    expect(process.isSuccessful).toBe(true)
    expect(process.result()).toBeUndefined()
  })

  it('takes one RUNNING -> RUNNING transition per step call, as plumpy does: its predicates inside it, and a loop that ends ending the call', async () => {
    const log: string[] = []
    const answers = { p: [true, true, false], q: [true] }
    const ask = (name: 'p' | 'q') => () => {
      log.push(name)
      return answers[name].shift() ?? false
    }
    const Chain = defineWorkChain({
      name: 'Chain',
      steps: {
        a: () => void log.push('a'),
        b: () => void log.push('b'),
        c: () => void log.push('c'),
        p: ask('p'),
        q: ask('q'),
      },
      outline: (s) => [s.a, while_(s.p)(s.b), if_(s.q)(s.c)],
    })
    const runner = new Runner({
      logger: silentLogger,
      plugins: [{ stateChanged: (_p, from, to) => void log.push(`${String(from)}>${to}`) }],
    })
    await run(Chain.create({}, { runner }))
    expect(log).toEqual([
      'null>CREATED',
      'CREATED>RUNNING',
      'a',
      'RUNNING>RUNNING',
      'p',
      'b',
      'RUNNING>RUNNING',
      'p',
      'b',
      'RUNNING>RUNNING',
      'p',
      'RUNNING>RUNNING',
      'q',
      'c',
      'RUNNING>FINISHED',
    ])
  })

  const Branching = defineWorkChain({
    name: 'Branching',
    spec: { inputs: { x: input(t.number) }, outputs: { took: output(t.string) } },
    steps: {
      isOne: (_ctx, { inputs }) => inputs.x === 1,
      isTwo: (_ctx, { inputs }) => inputs.x === 2,
      one: () => out('took', 'if_'),
      two: () => out('took', 'elif_'),
      other: () => out('took', 'else_'),
    },
    outline: (s) => [if_(s.isOne)(s.one).elif_(s.isTwo)(s.two).else_(s.other)],
  })

  it.each([
    [1, 'if_'],
    [2, 'elif_'],
    [3, 'else_'],
  ])('takes one branch of if_/elif_/else_ (x=%i → %s)', async (x, took) => {
    const outputs = await Branching.create({ x }, { runner: newRunner() }).execute()
    expect(outputs).toEqual({ took })
  })

  it('skips an if_ without else_ when no condition holds', async () => {
    const log: string[] = []
    const Skip = defineWorkChain({
      name: 'Skip',
      steps: {
        no: () => false,
        inside: () => void log.push('inside'),
        after: () => void log.push('after'),
      },
      outline: (s) => [if_(s.no)(s.inside), s.after],
    })
    await Skip.create({}, { runner: newRunner() }).execute()
    expect(log).toEqual(['after'])
  })

  it('runs a while_ body while its predicate holds', async () => {
    const log: string[] = []
    const Loop = defineWorkChain({
      name: 'Loop',
      spec: { inputs: { times: input(t.number) } },
      context: () => ({ i: 0 }),
      steps: {
        more: (ctx, { inputs }) => {
          log.push(`more ${ctx.i}`)
          return ctx.i < inputs.times
        },
        work: (ctx) => {
          ctx.i += 1
          log.push(`work ${ctx.i}`)
        },
      },
      outline: (s) => [while_(s.more)(s.work)],
    })
    await Loop.create({ times: 2 }, { runner: newRunner() }).execute()
    expect(log).toEqual(['more 0', 'work 1', 'more 1', 'work 2', 'more 2'])
    log.length = 0
    await Loop.create({ times: 0 }, { runner: newRunner() }).execute()
    expect(log).toEqual(['more 0'])
  })

  it('return_ finishes the chain at once, successfully', async () => {
    const log: string[] = []
    const Early = defineWorkChain({
      name: 'Early',
      steps: {
        first: () => void log.push('first'),
        never: () => void log.push('never'),
      },
      outline: (s) => [s.first, return_, s.never],
    })
    const process = await run(Early.create({}, { runner: newRunner() }))
    expect(log).toEqual(['first'])
    expect(process.state).toBe('FINISHED')
    expect(process.isSuccessful).toBe(true)
    expect(process.exitStatus).toBe(0)
  })

  const WithExitCodes = defineWorkChain({
    name: 'WithExitCodes',
    spec: {
      inputs: { how: input(t.string) },
      outputs: { seen: output(t.boolean, { required: false }) },
      exitCodes: {
        ERROR_BAD_INPUT: { status: 300, message: 'The input was bad.' },
        ERROR_OTHER: { status: 301, message: 'Something else.' },
      },
    },
    steps: {
      byLabel: (_ctx, { inputs }) => inputs.how === 'label',
      byNumber: (_ctx, { inputs }) => inputs.how === 'number',
      undeclared: (_ctx, { inputs }) => inputs.how === 'undeclared',
      zero: (_ctx, { inputs }) => inputs.how === 'zero',
      after: () => out('seen', true),
    },
    outline: (s) => [
      if_(s.byLabel)(return_('ERROR_BAD_INPUT'))
        .elif_(s.byNumber)(return_(301))
        .elif_(s.undeclared)(return_(7))
        .elif_(s.zero)(return_(0)),
      s.after,
    ],
  })

  it('return_(exitCode) finishes FINISHED, not successful, with the status and message of the spec', async () => {
    const process = await run(WithExitCodes.create({ how: 'label' }, { runner: newRunner() }))
    expect(process.state).toBe('FINISHED')
    expect(process.isSuccessful).toBe(false)
    expect(process.successful()).toBe(false)
    expect(process.exitStatus).toBe(300)
    expect(process.exitMessage).toBe('The input was bad.')
    expect(process.outputs).toEqual({})
  })

  it('return_(status) finds the message of a declared status', async () => {
    const process = await run(WithExitCodes.create({ how: 'number' }, { runner: newRunner() }))
    expect([process.exitStatus, process.exitMessage, process.isSuccessful]).toEqual([
      301,
      'Something else.',
      false,
    ])
  })

  it('return_(status) with an undeclared status has no message; return_(0) is a success', async () => {
    const undeclared = await run(
      WithExitCodes.create({ how: 'undeclared' }, { runner: newRunner() }),
    )
    expect([undeclared.exitStatus, undeclared.exitMessage, undeclared.isSuccessful]).toEqual([
      7,
      undefined,
      false,
    ])
    const zero = await run(WithExitCodes.create({ how: 'zero' }, { runner: newRunner() }))
    expect([zero.state, zero.exitStatus, zero.isSuccessful]).toEqual(['FINISHED', 0, true])
    expect(zero.outputs).toEqual({})
  })

  it('resolves execute() to the outputs even when an exit code made the chain unsuccessful', async () => {
    await expect(
      WithExitCodes.create({ how: 'label' }, { runner: newRunner() }).execute(),
    ).resolves.toEqual({})
    await expect(
      WithExitCodes.create({ how: 'none' }, { runner: newRunner() }).execute(),
    ).resolves.toEqual({ seen: true })
  })
})

describe('defineWorkChain: conditions', () => {
  it('evaluates the conditions of an if_ once, when it is entered', async () => {
    const calls: string[] = []
    const Once = defineWorkChain({
      name: 'Once',
      context: () => ({ flag: true, after: [] as boolean[] }),
      steps: {
        flagged: (ctx) => {
          calls.push('flagged')
          return ctx.flag
        },
        other: () => {
          calls.push('other')
          return true
        },
        clear: (ctx) => {
          ctx.flag = false
        },
        stillHere: (ctx) => {
          ctx.after.push(ctx.flag)
        },
      },
      outline: (s) => [if_(s.flagged)(s.clear, s.stillHere).elif_(s.other)(s.clear)],
    })
    const process = await run(Once.create({}, { runner: newRunner() }))
    // The branch ran to its end although its condition no longer holds; `elif_` was never asked.
    expect(calls).toEqual(['flagged'])
    expect(process.ctx).toEqual({ flag: false, after: [false] })
  })

  it('evaluates an if_ again each time a while_ enters it', async () => {
    const LoopIf = defineWorkChain({
      name: 'LoopIf',
      context: () => ({ i: 0, odd: 0, even: 0 }),
      steps: {
        more: (ctx) => ctx.i < 5,
        isOdd: (ctx) => ctx.i % 2 === 1,
        countOdd: (ctx) => void (ctx.odd += 1),
        countEven: (ctx) => void (ctx.even += 1),
        next: (ctx) => void (ctx.i += 1),
      },
      outline: (s) => [while_(s.more)(if_(s.isOdd)(s.countOdd).else_(s.countEven), s.next)],
    })
    const process = await run(LoopIf.create({}, { runner: newRunner() }))
    expect(process.ctx).toEqual({ i: 5, odd: 2, even: 3 })
  })

  it('lets predicates change the context', async () => {
    const Counting = defineWorkChain({
      name: 'Counting',
      context: () => ({ checks: 0, iterator: 0 }),
      steps: {
        whileStep: (ctx) => {
          ctx.checks += 1
          ctx.iterator += 1
          return ctx.iterator <= 3
        },
        body: () => undefined,
      },
      outline: (s) => [while_(s.whileStep)(s.body)],
    })
    const process = await run(Counting.create({}, { runner: newRunner() }))
    // The last check, which ended the outline, counts too.
    expect(process.ctx).toEqual({ checks: 4, iterator: 4 })
  })
})

describe('defineWorkChain: what a step returns', () => {
  // `any`: the values are the ones the types refuse, to check the run-time guard behind them.
  const returning = (value: () => any) => {
    const log: string[] = []
    const Returning = defineWorkChain({
      name: 'Returning',
      steps: {
        first: () => value(),
        second: () => void log.push('second'),
      },
      outline: (s) => [s.first, s.second],
    })
    return { process: Returning.create({}, { runner: newRunner() }), log }
  }

  it('continues with the next step when a step returns nothing', async () => {
    const { process, log } = returning(() => undefined)
    await run(process)
    expect(log).toEqual(['second'])
    expect(process.state).toBe('FINISHED')
  })

  it('actions a returned Kill', async () => {
    const { process, log } = returning(() => Kill('enough'))
    await expect(process.execute()).rejects.toThrow('enough')
    expect(log).toEqual([])
    expect([process.state, process.status]).toEqual(['KILLED', 'enough'])
  })

  it('actions a returned Stop, with its result', async () => {
    const { process, log } = returning(() => Stop(42))
    await run(process)
    expect(log).toEqual([])
    expect([process.state, process.result(), process.isSuccessful]).toEqual(['FINISHED', 42, true])
  })

  it('actions an unsuccessful result and an exit code', async () => {
    const failed = returning(() => unsuccessful('meh')).process
    await run(failed)
    expect([failed.state, failed.result(), failed.isSuccessful]).toEqual(['FINISHED', 'meh', false])
    const coded = returning(() => exitCode(400, 'nope')).process
    await run(coded)
    expect([coded.exitStatus, coded.exitMessage, coded.isSuccessful]).toEqual([400, 'nope', false])
  })

  it('actions a returned ToContext: waits, then puts the result in the context', async () => {
    const { process, log } = returning(() => toContext({ answer: task(async () => 42) }))
    await run(process)
    expect(log).toEqual(['second'])
    expect(process.ctx).toEqual({ answer: 42 })
  })

  it('fails with a clear error when a step returns any other value', async () => {
    const { process, log } = returning(() => 42)
    await expect(process.execute()).rejects.toThrow(
      'Returning.first returned 42: a work chain step returns nothing or a command',
    )
    expect(log).toEqual([])
    expect(process.state).toBe('EXCEPTED')
  })

  it('fails when a step returns Continue: the outline decides what runs next', async () => {
    const { process } = returning(() => Continue('second'))
    await expect(process.execute()).rejects.toThrow(
      'Returning.first ended with Continue: the outline decides what runs next',
    )
  })

  it('fails with the error a step throws', async () => {
    const boom = new Error('boom')
    const { process } = returning(() => {
      throw boom
    })
    await run(process)
    expect(process.state).toBe('EXCEPTED')
    expect(process.exception()).toBe(boom)
  })
})
