import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { launch, out, race, sleep, task, toContext } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { checkResumeEquivalence, driveDefinition } from '../../lib/testing/index.js'

class Flake extends Error {
  override readonly name = 'Flake'
}

const Child = defineProcess({
  name: 'EntryChild',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const Parent = defineProcess({
  name: 'EntryParent',
  spec: { outputs: { y: output(t.number) } },
  steps: {
    *run() {
      const { child } = yield* toContext({
        child: launch(Child, { x: 21 }, { retry: { maxAttempts: 3, initialDelay: '10s' } }),
      })
      yield* out('y', child.y)
    },
  },
})

describe('driveDefinition with a retried entry', () => {
  it('asks the script again for each attempt, after the backoff on the drive clock', () => {
    const run = driveDefinition(
      Parent,
      {},
      {
        answer: (request) =>
          request.kind === 'launch' && (request.attempt ?? 1) < 3
            ? new Flake(`attempt ${request.attempt}`)
            : { y: 42 },
      },
    )
    expect(run.state).toBe('FINISHED')
    expect(run.outputs).toEqual({ y: 42 })
    expect(run.requests.map((r) => [r.kind, 'attempt' in r ? r.attempt : undefined])).toEqual([
      ['launch', 1],
      ['launch', 2],
      ['launch', 3],
    ])
    // 10s before the second attempt, 20s before the third.
    expect(run.now).toBe(30_000)
  })

  it('ends EXCEPTED naming the entry and the attempts once they are spent', () => {
    const run = driveDefinition(Parent, {}, { answer: () => new Flake('down') })
    expect(run.state).toBe('EXCEPTED')
    expect(String(run.error)).toContain("entry 'child' failed after 3 attempts: down")
  })

  it('gives up at once when retryOn refuses, without asking again', () => {
    const Picky = defineProcess({
      name: 'EntryPicky',
      spec: { outputs: {} },
      steps: {
        *run() {
          yield* toContext({
            n: task(async () => 1, {
              retry: { maxAttempts: 5, retryOn: (error) => error.name === 'Flake' },
            }),
          })
        },
      },
    })
    const run = driveDefinition(Picky, {}, { answer: () => new TypeError('bad') })
    expect(run.state).toBe('EXCEPTED')
    expect(String(run.error)).toContain(
      "entry 'n' failed on attempt 1 of 5, not retried (retryOn refused TypeError): bad",
    )
    expect(run.requests).toHaveLength(1)
  })
})

/** A child that always fails. */
const Broken = defineProcess({
  name: 'EntryBroken',
  spec: { outputs: {} },
  steps: {
    run: () => {
      throw new Flake('broken')
    },
  },
})

/** A retried launch that always fails, raced against a timer that wins during a backoff. */
const Patient = defineProcess({
  name: 'EntryPatient',
  spec: { inputs: { waitMs: input(t.number) }, outputs: { winner: output(t.string) } },
  steps: {
    *run(_ctx, { inputs }) {
      const won = yield* race({
        child: launch(Broken, {}, { retry: { maxAttempts: 3, initialDelay: '1 min' } }),
        late: sleep(inputs.waitMs),
      })
      yield* out('winner', Object.keys(won)[0] ?? '')
    },
  },
})

describe('resume equivalence of a retried launch', () => {
  it('reaches the same end from every checkpoint, backoffs included, when a timer wins', async () => {
    const report = await checkResumeEquivalence(
      Patient,
      { waitMs: 120_000 },
      { children: [Broken] },
    )
    expect(report.reference.state).toBe('FINISHED')
    expect(report.verdicts.filter((v) => v.verdict !== 'equivalent')).toEqual([])
    expect(report.verdicts.filter((v) => v.state === 'WAITING').length).toBeGreaterThan(2)
  })

  it('reaches the same end from every checkpoint when the attempts are spent', async () => {
    const report = await checkResumeEquivalence(
      Patient,
      { waitMs: 3_600_000 },
      { children: [Broken] },
    )
    expect(report.reference.state).toBe('EXCEPTED')
    expect(report.verdicts.filter((v) => v.verdict !== 'equivalent')).toEqual([])
  })
})
