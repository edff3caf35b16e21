import { describe, expect, it } from 'vitest'
import {
  DefinitionError,
  OutlineError,
  defineWorkChain,
  if_,
  return_,
  while_,
  type OutlineItem,
  type PredicateRef,
  type StepRef,
} from '../../lib/index.js'

const noop = () => undefined
const yes = () => true

/** The references `chain` hands its outline: steps a, b, c and predicates p, q. */
type Refs = Record<'a' | 'b' | 'c', StepRef> & Record<'p' | 'q', PredicateRef>

/** A chain over steps a, b, c and predicates p, q with the given outline. */
const chain = (outline: (s: Refs) => OutlineItem[]) =>
  defineWorkChain({
    name: 'Chain',
    spec: { exitCodes: { FAILED: { status: 300, message: 'it failed' } } },
    steps: { a: noop, b: noop, c: noop, p: yes, q: yes },
    outline,
  })

const outlineError = (build: () => unknown): OutlineError => {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(OutlineError)
    return error as OutlineError
  }
  throw new Error('expected an OutlineError')
}

describe('the outline DSL', () => {
  it('turns steps, if_/elif_/else_, while_ and return_ into plain instruction data', () => {
    const definition = chain((s) => [
      s.a,
      if_(s.p)(s.b).elif_(s.q)(s.c, return_('FAILED')).else_(s.a, return_),
      while_(s.p)(s.b, if_(s.q)(return_(7))),
      return_,
    ])
    expect(definition.outline).toEqual([
      { _tag: 'Step', name: 'a' },
      {
        _tag: 'If',
        branches: [
          { predicate: 'p', body: [{ _tag: 'Step', name: 'b' }] },
          {
            predicate: 'q',
            body: [
              { _tag: 'Step', name: 'c' },
              { _tag: 'Return', exitCode: 'FAILED' },
            ],
          },
        ],
        otherwise: [
          { _tag: 'Step', name: 'a' },
          { _tag: 'Return', exitCode: undefined },
        ],
      },
      {
        _tag: 'While',
        predicate: 'p',
        body: [
          { _tag: 'Step', name: 'b' },
          {
            _tag: 'If',
            branches: [{ predicate: 'q', body: [{ _tag: 'Return', exitCode: 7 }] }],
            otherwise: undefined,
          },
        ],
      },
      { _tag: 'Return', exitCode: undefined },
    ])
  })

  it('makes outline data that survives JSON', () => {
    const definition = chain((s) => [if_(s.p)(s.a).else_(s.b), while_(s.q)(s.c), return_(3)])
    const json = JSON.parse(JSON.stringify(definition.outline)) as unknown
    expect(json).toEqual(
      JSON.parse(
        JSON.stringify([
          {
            _tag: 'If',
            branches: [{ predicate: 'p', body: [{ _tag: 'Step', name: 'a' }] }],
            otherwise: [{ _tag: 'Step', name: 'b' }],
          },
          { _tag: 'While', predicate: 'q', body: [{ _tag: 'Step', name: 'c' }] },
          { _tag: 'Return', exitCode: 3 },
        ]),
      ),
    )
  })

  it('keeps builders immutable: elif_ and else_ make new values', () => {
    let first: ReturnType<ReturnType<typeof if_>> | undefined
    const definition = chain((s) => {
      first = if_(s.p)(s.a)
      const second = first.else_(s.b)
      expect(first.otherwise).toBeUndefined()
      return [first, second]
    })
    expect(first).toBeDefined()
    const [a, b] = definition.outline
    expect(a).toMatchObject({ _tag: 'If', otherwise: undefined })
    expect(b).toMatchObject({ _tag: 'If', otherwise: [{ _tag: 'Step', name: 'b' }] })
  })
})

describe('defineWorkChain rejects a malformed outline when the definition is built', () => {
  it('rejects a function that is not a step ref, naming the place', () => {
    function stray() {}
    const error = outlineError(() => chain((s) => [s.a, stray as unknown as StepRef]))
    expect(error.message).toContain('Chain.outline[1]')
    expect(error.message).toContain('function stray')
  })

  it('rejects anything else that is not an instruction, naming the place', () => {
    expect(outlineError(() => chain((s) => [s.a, s.b, 42 as never])).message).toBe(
      'Chain.outline[2]: expected a step, if_, while_ or return_, got 42',
    )
    expect(outlineError(() => chain(() => [undefined as never])).message).toBe(
      'Chain.outline[0]: expected a step, if_, while_ or return_, got undefined',
    )
  })

  it('names the nested place of a bad item', () => {
    const error = outlineError(() => chain((s) => [s.a, while_(s.p)(s.b, 'c' as never)]))
    expect(error.message).toBe(
      'Chain.outline[1].while_(p)[1]: expected a step, if_, while_ or return_, got "c"',
    )
    const inElse = outlineError(() => chain((s) => [if_(s.p)(s.a).else_(s.b, null as never)]))
    expect(inElse.message).toContain('Chain.outline[0].else_[1]')
    const inElif = outlineError(() => chain((s) => [if_(s.p)(s.a).elif_(s.q)({} as never)]))
    expect(inElif.message).toContain('Chain.outline[0].elif_(q)[0]')
  })

  it('rejects if_, elif_ or while_ left without its body, saying so', () => {
    expect(outlineError(() => chain((s) => [s.a, while_(s.p) as never])).message).toBe(
      'Chain.outline[1]: while_(p) has no body: write while_(p)(...instructions)',
    )
    expect(outlineError(() => chain((s) => [if_(s.q) as never])).message).toBe(
      'Chain.outline[0]: if_(q) has no body: write if_(q)(...instructions)',
    )
    expect(outlineError(() => chain((s) => [if_(s.p)(s.a).elif_(s.q) as never])).message).toBe(
      'Chain.outline[0]: elif_(q) has no body: write elif_(q)(...instructions)',
    )
  })

  it('rejects a second else_', () => {
    const error = outlineError(() => chain((s) => [s.a, if_(s.p)(s.a).else_(s.b).else_(s.c)]))
    expect(error.message).toBe('Chain.outline[1]: if_ has a second else_')
  })

  it('rejects elif_ after else_', () => {
    const error = outlineError(() => chain((s) => [if_(s.p)(s.a).else_(s.b).elif_(s.q)(s.c)]))
    expect(error.message).toBe('Chain.outline[0]: if_ has elif_(q) after else_')
  })

  it('rejects an unknown step', () => {
    const ghost: StepRef = { _tag: 'StepRef', name: 'ghost' }
    const error = outlineError(() => chain((s) => [s.a, ghost]))
    expect(error.message).toBe("Chain.outline[1]: 'ghost' is not a step of this work chain")
  })

  it('rejects an unknown predicate', () => {
    const ghost: PredicateRef = { _tag: 'StepRef', name: 'ghost' }
    expect(outlineError(() => chain((s) => [while_(ghost)(s.a)])).message).toBe(
      "Chain.outline[0].while_: 'ghost' is not a step of this work chain",
    )
    expect(outlineError(() => chain((s) => [if_(s.p)(s.a).elif_(ghost)(s.b)])).message).toBe(
      "Chain.outline[0].branch[1]: 'ghost' is not a step of this work chain",
    )
  })

  it('rejects an empty while_ body', () => {
    const error = outlineError(() => chain((s) => [s.a, while_(s.p)()]))
    expect(error.message).toBe('Chain.outline[1]: while_(p) needs at least one instruction')
  })

  it('rejects return_ naming an exit code the spec does not declare', () => {
    const error = outlineError(() => chain((s) => [s.a, return_('NOPE')]))
    expect(error.message).toBe("Chain.outline[1]: return_('NOPE') names no exit code of the spec")
    expect(() => chain((s) => [s.a, return_('FAILED'), return_(12)])).not.toThrow()
  })

  it('rejects a step that is not a function', () => {
    expect(() =>
      defineWorkChain({
        name: 'Bad',
        steps: { a: 'not a function' as never },
        outline: (s) => [s.a],
      }),
    ).toThrow(new DefinitionError('Bad.steps.a: a step must be a function'))
  })
})
