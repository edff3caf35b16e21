// The README's "Testing a step" example, as a test that runs.
import { describe, expect, it, vi } from 'vitest'
import { driveDefinition, runStep } from '../../lib/testing/index.js'
import { WhileWorkChain } from '../../examples/tutorial/09-while.js'

describe('WhileWorkChain', () => {
  it('whileStep counts and says whether to go on', () => {
    const run = runStep(WhileWorkChain, 'whileStep', { ctx: { iterator: 2 }, inputs: { steps: 3 } })
    expect(run.returned).toBe(true)
    expect(run.ctx).toEqual({ iterator: 3 })
  })

  it('runs whole, with no runner, and its trace says which steps ran', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {}) // conditionalStep prints
    const result = driveDefinition(WhileWorkChain, { steps: 2 })
    expect(result.state).toBe('FINISHED')
    // The last step call only evaluated the predicate, which ended the loop: no step ran.
    expect(result.trace.map((entry) => entry.step)).toEqual([
      'initStep',
      'conditionalStep',
      'conditionalStep',
      undefined,
    ])
  })
})
