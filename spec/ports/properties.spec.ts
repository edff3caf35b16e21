import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input, namespace, type ValidationError } from '../../lib/ports/index.js'
import { tutorialSpec } from './fixtures.js'
import { isDeeplyFrozen } from './helpers.js'

const richSpec = buildSpec({
  inputs: {
    n: input(t.number, { default: 1 }),
    s: input(t.string, { required: false }),
    sub: namespace(
      { a: input(t.unknown, { required: false }), 'deep.b': input(t.boolean, { default: true }) },
      { required: false },
    ),
    dyn: namespace({}, { valueType: t.union([t.number, t.string]) }),
  },
})

/** Inputs shaped like the spec, with random values in every place. */
const shapedInputs = fc.record(
  {
    n: fc.jsonValue(),
    s: fc.jsonValue(),
    sub: fc.oneof(fc.jsonValue(), fc.record({ a: fc.jsonValue(), deep: fc.jsonValue() })),
    dyn: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
  },
  { requiredKeys: [] },
)

/** What these properties need of a spec: its inputs parse anything. */
interface Parses {
  readonly inputs: { parse(raw: unknown): E.Either<ValidationError[], unknown> }
}

describe('PortNamespace.parse (properties)', () => {
  const specs: Array<[string, Parses]> = [
    ['the tutorial spec', tutorialSpec()],
    ['a spec with defaults, optional and dynamic namespaces', richSpec],
  ]
  for (const [name, spec] of specs) {
    it(`never changes its argument and never throws, for any JSON value (${name})`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), shapedInputs), (raw) => {
          const before = structuredClone(raw)
          const result = spec.inputs.parse(raw)
          expect(raw).toEqual(before)
          if (E.isRight(result)) expect(isDeeplyFrozen(result.right)).toBe(true)
          else expect(result.left.length).toBeGreaterThan(0)
        }),
      )
    })
  }

  it('gives every error a dotted path under inputs', () => {
    fc.assert(
      fc.property(shapedInputs, (raw) => {
        const result = richSpec.inputs.parse(raw)
        if (E.isLeft(result)) {
          for (const error of result.left) expect(error.path.startsWith('inputs')).toBe(true)
        }
      }),
    )
  })

  it('accepts its own output: parsing parsed inputs again gives the same inputs', () => {
    fc.assert(
      fc.property(shapedInputs, (raw) => {
        const first = richSpec.inputs.parse(raw)
        if (E.isRight(first)) expect(richSpec.inputs.parse(first.right)).toEqual(first)
      }),
    )
  })
})
