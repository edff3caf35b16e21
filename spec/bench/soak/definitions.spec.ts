/**
 * The soak's workload on a runner of its own: the steps record their executions, put the ids in
 * their processes' state, and the outputs pass the soak's own check.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { outputsProblem, SoakChain, SoakWork } from '../../../bench/soak/definitions.js'
import { CHILD_REFERENCE_PATTERN } from '../../../bench/soak/history.js'
import { readExecutions } from '../../../bench/soak/repeats.js'
import { InMemoryPersister } from '../../../lib/persistence/memory.js'
import { silentLogger } from '../../../lib/runtime/environment.js'
import { Runner } from '../../../lib/runtime/runner.js'

describe('the soak definitions', () => {
  let record: string
  beforeEach(() => {
    record = join(mkdtempSync(join(tmpdir(), 'soak-definitions-')), 'executions')
    process.env['PLUMPY_SOAK_RECORD'] = record
  })
  afterEach(() => delete process.env['PLUMPY_SOAK_RECORD'])

  it('records every execution, and the ids reach the checkpoints and the outputs', async () => {
    const saved: { pid: string; state: string; text: string }[] = []
    class Saving extends InMemoryPersister {
      override saveCheckpoint(...args: Parameters<InMemoryPersister['saveCheckpoint']>) {
        const [bundle] = args
        saved.push({
          pid: bundle.pid,
          state: bundle.snapshot.state._tag,
          text: JSON.stringify(bundle),
        })
        return super.saveCheckpoint(...args)
      }
    }
    const persister = new Saving()
    const runner = new Runner({ logger: silentLogger, persister, checkpoints: 'every-transition' })
    const chain = SoakChain.create({ rounds: 2 }, { runner, pid: 'c' })
    const outputs = await chain.execute()

    const executions = readExecutions(record)
    const children = executions.filter((e) => e.pid !== 'c')
    expect(executions.filter((e) => e.pid === 'c').map((e) => `${e.step} ${e.index}`)).toEqual([
      'round 0',
      'round 1',
      'finish 2',
    ])
    expect(children.map((e) => `${e.step} ${e.index}`)).toEqual([
      'run 0',
      'report 0',
      'run 1',
      'report 1',
    ])
    expect(outputsProblem({ kind: 'Chain', index: 0 }, 2, outputs)).toBeUndefined()
    expect(outputs.executions).toEqual(
      executions.filter((e) => e.pid === 'c').map((execution) => execution.id),
    )
    // A child's `run` hands its id to `report` through Continue: the checkpoint between the two
    // holds it. A round's id is in the chain's checkpoint after the round.
    const [run, report] = children
    const between = saved.filter((s) => s.pid === run?.pid && s.text.includes(`"${run?.id}"`))
    expect(between.map((s) => s.state)).toEqual(['RUNNING', 'FINISHED'])
    expect(between[0]?.text).not.toContain(report?.id)
    const round0 = executions.find((e) => e.pid === 'c')
    expect(saved.find((s) => s.pid === 'c' && s.text.includes(`"${round0?.id}"`))?.state).toBe(
      'RUNNING',
    )
    // The chain's checkpoints name the children they wait on as the commit trigger reads them.
    const named = saved
      .filter((s) => s.pid === 'c')
      .flatMap((s) => [...s.text.matchAll(new RegExp(CHILD_REFERENCE_PATTERN, 'g'))])
      .map((match) => match[1])
    expect(new Set(named)).toEqual(new Set([run?.pid, children[2]?.pid]))
  })

  it('finds wrong values and missing execution ids in outputs', async () => {
    const runner = new Runner({ logger: silentLogger })
    const outputs = await SoakWork.create({ index: 3 }, { runner }).execute()
    expect(outputsProblem({ kind: 'Work', index: 3 }, 1, outputs)).toBeUndefined()
    expect(outputsProblem({ kind: 'Work', index: 4 }, 1, outputs)).toMatch(/expected {"value":16}/)
    expect(
      outputsProblem({ kind: 'Work', index: 3 }, 1, { ...outputs, executions: ['soakrun'] }),
    ).toMatch(/and 2 execution ids/)
  })
})
