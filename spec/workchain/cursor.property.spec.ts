/**
 * Property: for any outline and any outcomes of its predicates, the work chain visits exactly the
 * steps and predicates a direct recursive interpretation of the outline visits, and ends the same
 * way. Predicates answer from a scripted list of booleans, in evaluation order (false once the
 * list runs out, which is what makes every while_ end).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Cursor, Runner, silentLogger } from '../../lib/index.js'
import { driveDefinition } from '../../lib/testing/index.js'
import {
  chainOf,
  interpret,
  outlineShapes,
  plumpyCalls,
  scripts,
  type Ctx,
} from './outline-models.js'

describe('Cursor (property)', () => {
  it('visits what a recursive interpretation of the outline visits, and ends the same way', () => {
    fc.assert(
      fc.property(outlineShapes, scripts, (shapes, script) => {
        const { definition, outline } = chainOf(shapes, script)
        const expected = interpret(outline, script)
        const run = driveDefinition(definition, {})
        expect(run.stopped).toBe('terminal')
        expect(run.state).toBe('FINISHED')
        expect((run.snapshot.ctx as Ctx).log).toEqual(expected.log)
        expect(run.snapshot.state).toMatchObject({
          exitStatus: expected.exitStatus,
          successful: expected.exitStatus === 0,
        })
        // One step call per step visited (plus, at most, a last call that only ran predicates).
        const stepsRun = run.trace.flatMap((entry) =>
          entry.step === undefined ? [] : [entry.step],
        )
        expect(stepsRun).toEqual(expected.log.filter((name) => name.startsWith('s')))
        for (const entry of run.trace)
          if (entry.step !== undefined) expect(entry.cursor).toContain(`:${entry.step}`)
      }),
      { numRuns: 400 },
    )
  })

  it("takes plumpy's step calls: the same description on each entry into RUNNING, the same end", async () => {
    await fc.assert(
      fc.asyncProperty(outlineShapes, scripts, async (shapes, script) => {
        const { definition, outline } = chainOf(shapes, script)
        // plumpy cannot run an outline whose first block, or a while_ body, starts empty.
        const expected = plumpyCalls(outline, script)
        const described: string[] = []
        const process = definition.create(
          {},
          {
            runner: new Runner({ logger: silentLogger }),
            listeners: [
              {
                onProcessRunning: (p) => {
                  const state = p.snapshot.state
                  if (state._tag === 'RUNNING' && state.position._tag === 'Outline')
                    described.push(Cursor.format(definition.outline, state.position.cursor))
                },
              },
            ],
          },
        )
        await process.execute()
        expect(described).toEqual(expected.described)
        expect((process.ctx as Ctx).log).toEqual(expected.log)
        expect(process.exitStatus).toBe(expected.exitStatus)
      }),
      { numRuns: 300 },
    )
  })

  it('visits the same way on the runner', async () => {
    await fc.assert(
      fc.asyncProperty(outlineShapes, scripts, async (shapes, script) => {
        const { definition, outline } = chainOf(shapes, script)
        const expected = interpret(outline, script)
        const process = definition.create({}, { runner: new Runner({ logger: silentLogger }) })
        await process.execute()
        expect((process.ctx as Ctx).log).toEqual(expected.log)
        expect(process.exitStatus).toBe(expected.exitStatus)
      }),
      { numRuns: 60 },
    )
  })
})
