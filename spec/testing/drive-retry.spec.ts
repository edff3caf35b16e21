import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { launch, out, sleep, toContext } from '../../lib/commands/index.js'
import { step } from '../../lib/process/declare-step.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { checkResumeEquivalence, driveDefinition } from '../../lib/testing/index.js'

/** Fails until its context says it has run `failures` times (a step's failure keeps no context, so it counts in a module map). */
const runs = new Map<string, number>()

const Flaky = defineProcess({
  name: 'DrivenFlaky',
  spec: { inputs: { failures: input(t.number) }, outputs: { attempts: output(t.number) } },
  steps: {
    run: step({ retry: { maxAttempts: 3, initialDelay: '10s' } }, (_ctx, { inputs, pid }) => {
      const n = (runs.get(pid) ?? 0) + 1
      runs.set(pid, n)
      if (n <= inputs.failures) throw new Error(`no. ${n}`)
      return out('attempts', n)
    }),
  },
})

const Sleeper = defineProcess({
  name: 'DrivenSleeper',
  spec: { outputs: { woke: output(t.number) } },
  steps: {
    *run() {
      yield* out('woke', yield* sleep('1h'))
    },
  },
})

/** Always times out waiting for its child: two attempts, then EXCEPTED. */
const Impatient = defineProcess({
  name: 'DrivenImpatient',
  spec: { outputs: {} },
  steps: {
    run: step({ retry: { maxAttempts: 2, initialDelay: '1s' }, timeout: '1 min' }, function* () {
      yield* toContext({ nap: launch(Sleeper) })
    }),
  },
})

describe('driveDefinition with retries', () => {
  it('backs off on the drive clock and runs the step again', () => {
    const run = driveDefinition(Flaky, { failures: 2 }, { pid: 'driven' })
    expect(run.state).toBe('FINISHED')
    expect(run.outputs).toEqual({ attempts: 3 })
    // 10s before the second attempt, 20s before the third.
    expect(run.now).toBe(30_000)
  })

  it('ends EXCEPTED with the attempts once they are spent', () => {
    const run = driveDefinition(Flaky, { failures: 9 }, { pid: 'driven-spent' })
    expect(run.state).toBe('EXCEPTED')
    expect(String(run.error)).toContain('step run failed after 3 attempts: no. 3')
  })

  it('resumes from every checkpoint of a step that times out twice to the same end', async () => {
    const report = await checkResumeEquivalence(Impatient, {}, { children: [Sleeper] })
    expect(report.reference.state).toBe('EXCEPTED')
    expect(report.verdicts.filter((v) => v.verdict !== 'equivalent')).toEqual([])
    expect(report.verdicts.filter((v) => v.state === 'WAITING').length).toBeGreaterThan(1)
  })
})
