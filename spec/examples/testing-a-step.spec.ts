// The README's "Testing a step" example, as a test that runs.
import { current } from 'immer'
import { describe, expect, it } from 'vitest'
import { launch, toContext } from '../../lib/commands/index.js'
import { draftOf, driveDefinition, runStep, type AwaitRequest } from '../../lib/testing/index.js'
import { Square, SumOfSquares } from '../../examples/readme/sum-of-squares.js'

describe('SumOfSquares', () => {
  it('collect asks for the square of its round, then adds it up (stepped by hand)', () => {
    const ctx = draftOf({ round: 2, total: 1 })
    const collect = SumOfSquares.steps.collect(ctx)
    expect(collect.next().value).toEqual(toContext({ sq: launch(Square, { x: 2 }) }))
    expect(collect.next({ sq: { y: 4 } }).done).toBe(true)
    expect(current(ctx)).toEqual({ round: 3, total: 5 })
  })

  it('more says whether to go on', () => {
    const run = runStep(SumOfSquares, 'more', { ctx: { round: 3, total: 0 }, inputs: { n: 3 } })
    expect(run.returned).toBe(false)
  })

  it('runs whole, with no runner: a script answers for the children', () => {
    const square = (request: AwaitRequest) =>
      request.kind === 'launch' ? { y: (request.inputs as { x: number }).x ** 2 } : undefined
    const run = driveDefinition(SumOfSquares, { n: 3 }, { answer: square })
    expect(run.state).toBe('FINISHED')
    expect(run.outputs).toEqual({ total: 0 + 1 + 4 })
    // A collect suspends for its child, then goes on with its answer: two calls a round. The
    // call in which the loop ends runs no step.
    expect(run.trace.map((entry) => entry.step)).toEqual([
      ...['collect', 'collect', 'collect', 'collect', 'collect', 'collect'],
      undefined,
      'finish',
    ])
  })
})
