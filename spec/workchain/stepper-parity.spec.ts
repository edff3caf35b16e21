/**
 * A work chain steps as plumpy's stepper does: one step call per transition, the predicates on
 * its way evaluated inside it, and a call of its own where a loop ends (or no branch of an if_
 * is taken). So the cursor on each entry into RUNNING reads as plumpy prints its stepper.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Cursor,
  Runner,
  defineWorkChain,
  describeLogContext,
  if_,
  input,
  silentLogger,
  while_,
  type Logger,
} from '../../lib/index.js'

const Stepping = defineWorkChain({
  name: 'Stepping',
  spec: { inputs: { n: input(t.number) } },
  context: () => ({ n: 0, chilled: 0 }),
  steps: {
    check_n: (ctx, { inputs }) => void (ctx.n = inputs.n),
    do_step(ctx) {
      ctx.n -= 1
      return ctx.n > 0
    },
    chill: (ctx) => void (ctx.chilled += 1),
  },
  outline: (s) => [
    s.check_n,
    while_(s.do_step)(s.chill, s.chill),
    if_(s.do_step)(s.chill).elif_(s.do_step)(s.chill).else_(s.chill),
  ],
})

describe('stepping through an outline', () => {
  it("describes the cursor on each entry into RUNNING as plumpy's stepper does (N = 4)", async () => {
    const described: string[] = []
    const process = Stepping.create(
      { n: 4 },
      {
        runner: new Runner({ logger: silentLogger }),
        listeners: [
          {
            onProcessRunning: (p) => {
              const state = p.snapshot.state
              if (state._tag === 'RUNNING' && state.position._tag === 'Outline')
                described.push(Cursor.format(Stepping.outline, state.position.cursor))
            },
          },
        ],
      },
    )
    await process.execute()
    expect(described).toEqual([
      '0:check_n',
      '1:while_(do_step)',
      '1:while_(do_step)(1:chill)',
      '1:while_(do_step)',
      '1:while_(do_step)(1:chill)',
      '1:while_(do_step)',
      '1:while_(do_step)(1:chill)',
      '1:while_(do_step)',
      '2:if_(do_step)',
    ])
    expect(process.ctx).toEqual({ n: -2, chilled: 7 })
  })
})

describe('predicates', () => {
  const chainAnswering = (answer: unknown) =>
    defineWorkChain({
      name: 'Asking',
      context: () => ({ asked: 0 }),
      steps: {
        odd(ctx) {
          ctx.asked += 1
          return (ctx.asked === 1 ? answer : false) as boolean
        },
        work: () => undefined,
      },
      outline: (s) => [while_(s.odd)(s.work)],
    })

  const warningsOf = async (answer: unknown) => {
    const warnings: string[] = []
    const logger: Logger = {
      info: () => {},
      error: () => {},
      // The process a line is about comes beside it, as the loggers of the runtime receive it.
      warn: (line, context) => void warnings.push(`${describeLogContext(context)}${line}`),
    }
    await chainAnswering(answer)
      .create({}, { runner: new Runner({ logger }) })
      .execute()
    return warnings
  }

  it('warn once, naming the chain and the predicate, when they return no boolean', async () => {
    for (const answer of ['true', 1, { yes: true }]) {
      const warnings = await warningsOf(answer)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        /Asking .* work: Asking: predicate 'odd' returned .*, not a boolean; it counts as true/,
      )
    }
    expect(await warningsOf(0)).toEqual([
      expect.stringMatching(/predicate 'odd' returned 0, not a boolean; it counts as false/),
    ])
  })

  it('take undefined and null as false, silently', async () => {
    expect(await warningsOf(undefined)).toEqual([])
    expect(await warningsOf(null)).toEqual([])
  })
})
