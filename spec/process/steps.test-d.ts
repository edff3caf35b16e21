/**
 * Type tests: what the compiler checks in the steps of a plain process, against what its
 * definition knows — step names and arguments in `Continue`/`Wait`, ports and values in `out`,
 * that a generator yields commands only, and the type of `result()`. Every `@ts-expect-error`
 * sits on the line the error is reported at.
 */
import * as t from 'io-ts'
import { describe, expectTypeOf, it } from 'vitest'
import {
  Continue,
  Stop,
  Wait,
  log,
  out,
  toContext,
  unsuccessful,
  waitForResume,
} from '../../lib/commands/index.js'
import { input, namespace, output } from '../../lib/ports/index.js'
import { step } from '../../lib/process/declare-step.js'
import type { ResultOfDefinition, StepNameOf } from '../../lib/process/definition.js'
import { defineProcess } from '../../lib/runtime/define.js'

describe('Continue and Wait in a process', () => {
  it('name a step of the process, or the step is refused', () => {
    defineProcess({
      name: 'Names',
      steps: {
        run: () => Continue('greet'),
        greet: () => Wait('done', 'waiting'),
        done: () => 'ok',
      },
    })
    defineProcess({
      name: 'TypoInAReturn',
      steps: {
        // @ts-expect-error 'gret' is not a step: reported on the step that returns it
        run(_ctx) {
          return Continue('gret')
        },
        greet: () => undefined,
      },
    })
    defineProcess({
      name: 'TypoInAnArrow',
      steps: {
        // @ts-expect-error 'nowhere' is not a step
        run: (_ctx, _view) => Wait('nowhere'),
        done: () => undefined,
      },
    })
    defineProcess({
      name: 'TypoInAStepWithoutParameters',
      steps: {
        // @ts-expect-error 'gret' is not a step
        run: () => Continue('gret'),
        greet: () => undefined,
      },
    })
    defineProcess({
      name: 'TypoInAYield',
      steps: {
        // @ts-expect-error a yielded Continue ends the step: its name is checked too
        *run(_ctx) {
          yield Continue('gret')
        },
        greet: () => undefined,
      },
    })
    defineProcess({
      name: 'TypoInADelegatedYield',
      steps: {
        // @ts-expect-error and so is one delegated to with yield*
        *run(_ctx) {
          yield* Continue('gret')
        },
        greet: () => undefined,
      },
    })
  })

  it('checks the entry step', () => {
    defineProcess({ name: 'Entry', entry: 'second', steps: { first: () => 1, second: () => 2 } })
    // @ts-expect-error 'third' is not a step
    defineProcess({ name: 'Entry', entry: 'third', steps: { first: () => 1, second: () => 2 } })
  })
})

describe('the arguments a step declares with step(...)', () => {
  const Greeter = defineProcess({
    name: 'Greeter',
    spec: { inputs: { who: input(t.string) }, outputs: { greeting: output(t.string) } },
    steps: {
      run: (_ctx, { inputs }) => Continue('greet', inputs.who),
      greet: step({ args: t.tuple([t.string]) }, (_ctx, { args, inputs }) => {
        expectTypeOf(args).toEqualTypeOf<readonly [string]>()
        expectTypeOf(inputs).toEqualTypeOf<{ readonly who: string }>()
        return out('greeting', `hello ${args[0]}`)
      }),
      loose: (_ctx, { args }) => {
        expectTypeOf(args).toEqualTypeOf<readonly unknown[]>()
      },
    },
  })

  it('types args inside the step and keeps readonly unknown[] for steps that declare none', () => {
    expectTypeOf<StepNameOf<typeof Greeter>>().toEqualTypeOf<'run' | 'greet' | 'loose'>()
    // Called by hand, the declared step takes a view with its arguments.
    expectTypeOf(Greeter.steps.greet)
      .parameter(1)
      .toHaveProperty('args')
      .toEqualTypeOf<readonly [string]>()
  })

  it('checks Continue against the declared arguments', () => {
    defineProcess({
      name: 'WrongArgument',
      steps: {
        // @ts-expect-error greet takes [string], not [number]
        run: (_ctx, _view) => Continue('greet', 5),
        greet: step({ args: t.tuple([t.string]) }, (_ctx, { args }) => args[0]),
      },
    })
    defineProcess({
      name: 'MissingArgument',
      steps: {
        // @ts-expect-error greet takes one argument
        run: (_ctx, _view) => Continue('greet'),
        greet: step({ args: t.tuple([t.string]) }, (_ctx, { args }) => args[0]),
      },
    })
    defineProcess({
      name: 'AnyArgumentsForAStepThatDeclaresNone',
      steps: { run: () => Continue('next', 1, 'two'), next: () => undefined },
    })
  })

  it('lets Wait name only a step that can take the resume value as its arguments', () => {
    defineProcess({
      name: 'WaitForOne',
      steps: {
        run: () => Wait('got'),
        got: step({ args: t.tuple([t.number]) }, (_ctx, { args }) => args[0]),
      },
    })
    defineProcess({
      name: 'WaitForTwo',
      steps: {
        // @ts-expect-error pair takes two arguments, a resume gives one
        run: () => Wait('pair'),
        pair: step({ args: t.tuple([t.number, t.number]) }, (_ctx, { args }) => args[0]),
      },
    })
  })

  it('refuses a codec that converts', () => {
    const NumberFromString = new t.Type<number, string, unknown>(
      'NumberFromString',
      (u): u is number => typeof u === 'number',
      (u, c) => (typeof u === 'string' ? t.success(Number(u)) : t.failure(u, c)),
      String,
    )
    // @ts-expect-error the step would get the string, typed as a number
    step({ args: t.tuple([NumberFromString]) }, (_ctx, { args }) => args[0])
    step({ args: t.tuple([t.Int]) }, (_ctx, { args }) => args[0])
  })
})

describe('out in a step', () => {
  const spec = {
    outputs: {
      y: output(t.number),
      nested: namespace({ z: output(t.boolean) }),
      extra: namespace({}, { valueType: t.number }),
    },
  }

  it('is checked at the argument in a plain step', () => {
    defineProcess({
      name: 'PlainOut',
      spec,
      steps: {
        run: (_ctx, _view) => out('y', 1),
        nested: (_ctx, _view) => out('nested.z', true),
        dynamic: (_ctx, _view) => out('extra.anything', 2),
        // @ts-expect-error y is a number
        wrongValue: (_ctx, _view) => out('y', 'one'),
        // @ts-expect-error there is no port nope
        unknownPort: (_ctx, _view) => out('nope', 1),
        // @ts-expect-error a dynamic namespace of numbers
        wrongDynamic: (_ctx, _view) => out('extra.a', 'x'),
        // @ts-expect-error nested.z is a boolean
        wrongNested: (_ctx, _view) => out('nested.z', 1),
      },
    })
  })

  it('is checked at the argument in a generator step', () => {
    defineProcess({
      name: 'GeneratorOut',
      spec,
      steps: {
        *run(_ctx) {
          yield* out('y', 1)
          yield* out('extra.deeper.still', 3)
          // @ts-expect-error y is a number
          yield* out('y', 'one')
          // @ts-expect-error there is no port nope
          yield* out('nope', 1)
          // @ts-expect-error a dynamic namespace of numbers
          yield* out('extra.a', 'x')
        },
      },
    })
  })

  it('is checked on the step when the step has no parameters (it is typed before the spec)', () => {
    defineProcess({
      name: 'NoParameters',
      spec,
      steps: {
        run: (_ctx, _view) => Continue('plain'),
        // @ts-expect-error y is a number: reported on the step
        plain: () => out('y', 'one'),
      },
    })
  })

  it('is checked wherever the command is made: an out built outside the step is judged too', () => {
    const emit = (value: string) => out('y', value)
    defineProcess({
      name: 'Helper',
      spec,
      steps: {
        // @ts-expect-error y is a number, whoever made the command
        run: (_ctx, _view) => emit('one'),
      },
    })
  })

  it('accepts any name under a dynamic root, and keeps the declared ports typed', () => {
    defineProcess({
      name: 'DynamicRoot',
      spec: { outputs: { y: output(t.number) }, outputsOptions: { valueType: t.string } },
      steps: {
        *run(_ctx) {
          yield* out('x', 'five')
          yield* out('y', 5)
          // @ts-expect-error y is declared a number
          yield* out('y', 'five')
          // @ts-expect-error undeclared outputs are strings
          yield* out('x', 5)
        },
      },
    })
  })
})

describe('what a generator step yields', () => {
  it('is a command, or the step is refused', () => {
    defineProcess({
      name: 'YieldsCommands',
      steps: {
        *run(_ctx) {
          yield* log.info('hello')
          const value = yield* waitForResume(t.number)
          expectTypeOf(value).toEqualTypeOf<number>()
          const { p } = yield* toContext({ p: Promise.resolve('x') })
          expectTypeOf(p).toEqualTypeOf<string>()
        },
      },
    })
    defineProcess({
      name: 'YieldsANumber',
      steps: {
        // @ts-expect-error 42 is not a command
        *run(_ctx) {
          yield 42
        },
      },
    })
  })

  it('gives the resume value the codec type, and unknown without a codec', () => {
    defineProcess({
      name: 'Resumes',
      steps: {
        *run(_ctx) {
          expectTypeOf(yield* waitForResume(t.number, 'a number')).toEqualTypeOf<number>()
          expectTypeOf(yield* waitForResume()).toEqualTypeOf<unknown>()
          expectTypeOf(yield* waitForResume(undefined, 'anything')).toEqualTypeOf<unknown>()
        },
      },
    })
    // @ts-expect-error a type without a codec to check it is a cast: there is no such overload
    waitForResume<number>()
  })
})

describe('result()', () => {
  it('is what the steps return that is not a command, and what they Stop with', () => {
    const Results = defineProcess({
      name: 'Results',
      spec: { inputs: { n: input(t.number) } },
      steps: {
        run: (_ctx, { inputs }) => (inputs.n > 0 ? Continue('count') : Continue('give')),
        count: (_ctx, { inputs }) => inputs.n * 2,
        give: () => Stop('given up'),
        *ask(_ctx) {
          const n = yield* waitForResume(t.number)
          if (n < 0) return unsuccessful(false as const)
          return n > 10
        },
      },
    })
    expectTypeOf<ResultOfDefinition<typeof Results>>().toEqualTypeOf<
      number | string | false | boolean
    >()
    expectTypeOf(Results.create({ n: 1 }).result()).toEqualTypeOf<number | string | boolean>()
  })

  it('is undefined for steps that return nothing or an output', () => {
    const Quiet = defineProcess({
      name: 'Quiet',
      spec: { outputs: { y: output(t.number) } },
      steps: { run: () => Continue('emit'), emit: (_ctx, _view) => out('y', 1) },
    })
    expectTypeOf(Quiet.create().result()).toEqualTypeOf<undefined>()
  })
})
