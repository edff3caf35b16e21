/**
 * Type tests: what `yield*` gives for the durable time and signal commands, inside a step.
 */
import * as t from 'io-ts'
import { describe, expectTypeOf, it } from 'vitest'
import {
  all,
  race,
  signal,
  sleep,
  sleepUntil,
  waitForSignal,
  type Duration,
  type PayloadOf,
} from '../../lib/commands/index.js'
import { defineProcess } from '../../lib/runtime/define.js'

const Approve = signal('approve', t.type({ by: t.string }))

describe('durable time and signals', () => {
  it('types the payload of a signal and the deadline of a sleep', () => {
    defineProcess({
      name: 'Typed',
      steps: {
        *run() {
          const { by } = yield* waitForSignal(Approve)
          expectTypeOf(by).toEqualTypeOf<string>()
          expectTypeOf(yield* sleep('3 days')).toEqualTypeOf<number>()
          expectTypeOf(yield* sleepUntil(0)).toEqualTypeOf<number>()
          const won = yield* race({ approved: waitForSignal(Approve), late: sleep('2 days') })
          expectTypeOf(won).toEqualTypeOf<
            { readonly approved: { by: string } } | { readonly late: number }
          >()
          if ('approved' in won) expectTypeOf(won.approved.by).toEqualTypeOf<string>()
          const both = yield* all({ nap: sleep('1h'), ok: waitForSignal(Approve) })
          expectTypeOf(both).toEqualTypeOf<{ readonly nap: number; readonly ok: { by: string } }>()
        },
      },
    })
    expectTypeOf<PayloadOf<typeof Approve>>().toEqualTypeOf<{ by: string }>()
  })

  it('reads durations with a unit, and refuses others at compile time', () => {
    expectTypeOf<'90s'>().toMatchTypeOf<Duration>()
    expectTypeOf<'3 days'>().toMatchTypeOf<Duration>()
    // @ts-expect-error: not a unit
    expectTypeOf<Duration>().toEqualTypeOf<'3 dayz'>()
  })
})
