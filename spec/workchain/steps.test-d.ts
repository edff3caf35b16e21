/**
 * Type tests: what the compiler checks in the steps and the outline of a work chain — no
 * `Continue`/`Wait` (the outline decides), outputs, commands only in generators, predicates where
 * the outline needs a boolean and steps everywhere else, and the type of `result()`. Every
 * `@ts-expect-error` sits on the line the error is reported at.
 */
import * as t from 'io-ts'
import type { Draft } from 'immer'
import { describe, expectTypeOf, it } from 'vitest'
import { Continue, Kill, Stop, Wait, out, toContext } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import type { ContextOfDefinition, ResultOfDefinition } from '../../lib/process/definition.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import { if_, while_ } from '../../lib/workchain/outline.js'

describe('a work chain step', () => {
  it('may not return or yield Continue or Wait: the outline decides what runs next', () => {
    defineWorkChain({
      name: 'NoContinue',
      steps: {
        // @ts-expect-error a work chain step does not say which step runs next
        first: (_ctx) => Continue('second'),
        second: () => undefined,
      },
      outline: (s) => [s.first, s.second],
    })
    defineWorkChain({
      name: 'NoWait',
      steps: {
        // @ts-expect-error nor does it wait for a resume (a generator step yields waitForResume)
        *first(_ctx) {
          yield Wait('first')
        },
      },
      outline: (s) => [s.first],
    })
  })

  it('returns nothing, a command, or (a predicate) a boolean; nothing else', () => {
    defineWorkChain({
      name: 'Returns',
      context: () => ({ n: 0 }),
      steps: {
        nothing(ctx) {
          ctx.n += 1
        },
        stop: () => Stop(5),
        kill: (_ctx) => Kill('enough'),
        wait: (_ctx) => toContext({ later: Promise.resolve(1) }),
        more: (ctx) => ctx.n < 3,
      },
      outline: (s) => [s.nothing, while_(s.more)(s.nothing), s.wait, s.stop, s.kill],
    })
    defineWorkChain({
      name: 'ReturnsANumber',
      steps: {
        // @ts-expect-error a work chain step returning a value that is not a command fails
        first: (_ctx) => 42,
      },
      outline: (s) => [s.first],
    })
  })

  it('yields commands only', () => {
    defineWorkChain({
      name: 'YieldsANumber',
      steps: {
        // @ts-expect-error 42 is not a command
        *first(_ctx) {
          yield 42
        },
      },
      outline: (s) => [s.first],
    })
  })

  it('checks out at the argument', () => {
    defineWorkChain({
      name: 'Outputs',
      spec: { outputs: { total: output(t.number) } },
      context: () => ({ total: 0 }),
      steps: {
        *finish(ctx) {
          yield* out('total', ctx.total)
          // @ts-expect-error total is a number
          yield* out('total', 'many')
        },
        plain: (ctx) => out('total', ctx.total),
        // @ts-expect-error total is a number
        wrong: (_ctx) => out('total', 'many'),
      },
      outline: (s) => [s.finish, s.plain, s.wrong],
    })
  })

  it('sees the context its initialiser makes, with or without inputs, next to steps of every kind', () => {
    defineWorkChain({
      name: 'Context',
      spec: { inputs: { label: input(t.string) }, outputs: { count: output(t.number) } },
      context: (inputs) => ({ count: 0, label: inputs.label }),
      steps: {
        give: () => Kill('given up'),
        *count(ctx) {
          expectTypeOf(ctx).toEqualTypeOf<Draft<{ count: number; label: string }>>()
          ctx.count += 1
          yield* out('count', ctx.count)
        },
        label(ctx) {
          ctx.label = 'x'
          // @ts-expect-error the context has no such key
          ctx.other = 1
        },
      },
      outline: (s) => [s.count, s.label, s.give],
    })
  })
})

describe('the outline', () => {
  const Chain = defineWorkChain({
    name: 'Chain',
    context: () => ({ n: 0 }),
    steps: {
      more: (ctx) => ctx.n < 3,
      small: (ctx) => ctx.n < 1,
      *submit(ctx) {
        ctx.n += 1
      },
      collect(ctx) {
        ctx.n += 1
      },
    },
    outline: (s) => [while_(s.more)(s.submit, if_(s.small)(s.collect).elif_(s.more)(s.collect))],
  })

  it('gets a predicate reference for a step returning a boolean, a step reference otherwise', () => {
    expectTypeOf(Chain.steps.more).returns.toEqualTypeOf<boolean>()
    defineWorkChain({
      name: 'StepAsPredicate',
      context: () => ({ n: 0 }),
      steps: {
        *submit(ctx) {
          ctx.n += 1
        },
      },
      // @ts-expect-error submit is not a predicate: while_ would run its body zero times
      outline: (s) => [while_(s.submit)(s.submit)],
    })
    defineWorkChain({
      name: 'StepInIf',
      steps: { first: () => undefined, yes: () => true },
      outline: (s) => [
        // @ts-expect-error first is not a predicate
        if_(s.first)(s.first),
        // @ts-expect-error nor in elif_
        if_(s.yes)(s.first).elif_(s.first)(s.first),
      ],
    })
  })

  it('refuses a predicate where a step goes: its boolean would fail the step', () => {
    defineWorkChain({
      name: 'PredicateAsStep',
      steps: { first: () => undefined, yes: () => true },
      outline: (s) => [
        s.first,
        // @ts-expect-error yes returns a boolean: it is a predicate
        s.yes,
      ],
    })
    defineWorkChain({
      name: 'PredicateInABody',
      steps: { first: () => undefined, yes: () => true },
      // @ts-expect-error yes is a predicate, not a step of the body
      outline: (s) => [while_(s.yes)(s.yes)],
    })
  })

  it('refers only to steps that exist', () => {
    defineWorkChain({
      name: 'Ghost',
      steps: { first: () => undefined },
      // @ts-expect-error there is no step ghost
      outline: (s) => [s.ghost],
    })
  })
})

describe('result() of a work chain', () => {
  it('is undefined, or what a step gives Stop', () => {
    const Quiet = defineWorkChain({
      name: 'Quiet',
      steps: { first: () => undefined },
      outline: (s) => [s.first],
    })
    expectTypeOf(Quiet.create().result()).toEqualTypeOf<undefined>()
    const _Stopping = defineWorkChain({
      name: 'Stopping',
      context: () => ({ n: 0 }),
      steps: {
        first: (ctx) => (ctx.n > 0 ? Stop('early') : undefined),
        *second(_ctx) {
          yield Stop(42)
        },
      },
      outline: (s) => [s.first, s.second],
    })
    expectTypeOf<ResultOfDefinition<typeof _Stopping>>().toEqualTypeOf<
      undefined | string | number
    >()
    expectTypeOf<ContextOfDefinition<typeof _Stopping>>().toEqualTypeOf<{ n: number }>()
  })
})
