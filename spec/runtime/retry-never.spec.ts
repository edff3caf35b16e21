/**
 * Failures that refuse data are never retried: a kept resume or signal payload the wait refuses,
 * a wait for a signal the spec does not declare, arguments or inputs a codec refuses. A retry
 * would fail the same way (or swallow what was sent), so the process ends EXCEPTED at once with
 * the refusal's path and reason, whatever the policy's `retryOn` says.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  launch,
  out,
  toContext,
  Wait,
  waitForResume,
  waitForSignal,
} from '../../lib/commands/index.js'
import { step } from '../../lib/process/declare-step.js'
import { output } from '../../lib/ports/index.js'
import { NEVER_RETRIED } from '../../lib/retry/never-retried.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { receiveSignal } from '../../lib/runtime/signals.js'
import { onTestClock } from './retry-entry-helpers.js'
import { count, outcome, ran, retry } from './retry-never-helpers.js'
import { Approve, Cancel, Note } from './signal-fixtures.js'

/** Waits for a note, then `Wait`s for `decide`, which declares one string argument. */
const Decision = defineProcess({
  name: 'Decision',
  steps: {
    *run() {
      yield* waitForSignal(Note)
      return Wait('decide')
    },
    decide: step({ args: t.tuple([t.string]), retry }, (_ctx, { args }) => {
      count('Decision.decide')
      return `decided ${args[0]}`
    }),
  },
})

/** Waits for a note, then for a string by resume, in a guarded step. */
const Verdict = defineProcess({
  name: 'GuardedVerdict',
  spec: { outputs: { verdict: output(t.string) } },
  steps: {
    run: step({ retry }, function* () {
      count('GuardedVerdict.run')
      yield* waitForSignal(Note)
      yield* out('verdict', yield* waitForResume(t.string))
    }),
  },
})

/** Waits for a note, then for an approval (signals not declared), in a guarded step. */
const Approval = defineProcess({
  name: 'GuardedApproval',
  steps: {
    run: step({ retry }, function* () {
      count('GuardedApproval.run')
      yield* waitForSignal(Note)
      return (yield* waitForSignal(Approve)).by
    }),
  },
})

/** Declares `approve` only, and waits for `cancel`. */
const Stray = defineProcess({
  name: 'Stray',
  spec: { signals: [Approve] },
  steps: {
    run: step({ retry }, function* () {
      count('Stray.run')
      yield* waitForSignal(Cancel)
    }),
  },
})

/** Continues to a step that declares a string argument, with a number. */
const BadContinue = defineProcess({
  name: 'BadContinue',
  steps: {
    run: step({ retry }, () => {
      count('BadContinue.run')
      return Continue('next', 5 as never)
    }),
    next: step({ args: t.tuple([t.string]) }, () => undefined),
  },
})

/** The same without a policy of its own: ends EXCEPTED on an `InvalidArgumentsError`. */
const BadChild = defineProcess({
  name: 'BadChild',
  steps: {
    run: () => {
      count('BadChild.run')
      return Continue('next', 5 as never)
    },
    next: step({ args: t.tuple([t.string]) }, () => undefined),
  },
})

/** Launches `BadChild` with a retry policy on the entry. */
const Launcher = defineProcess({
  name: 'Launcher',
  steps: {
    *run() {
      yield* toContext({ child: launch(BadChild, {}, { retry }) })
    },
  },
})

describe('a guarded step that fails on a refusal', () => {
  it("ends EXCEPTED at once on a kept resume that a Wait(step)'s arguments refuse, not running the step", async () => {
    const { clock, runner } = onTestClock()
    const decision = Decision.create(undefined, { runner })
    const done = decision.execute()
    decision.resume(5)
    decision.signal(Note, 'read it')
    const error = await outcome(decision, clock, done)
    expect(error.name).toBe('InvalidResumeArgumentsError')
    expect(error.message).toBe(
      'step decide failed on attempt 1 of 3, not retried (InvalidResumeArgumentsError is never ' +
        'retried): Decision.decide refuses the arguments the kept resume gave it: args.0: ' +
        'expected string, got 5',
    )
    // A retry used to run the step with the refused value as its argument.
    expect(ran.get('Decision.decide')).toBeUndefined()
  })

  it("ends EXCEPTED at once on a kept resume that waitForResume's codec refuses", async () => {
    const { clock, runner } = onTestClock()
    const verdict = Verdict.create(undefined, { runner })
    const done = verdict.execute()
    verdict.resume(5)
    verdict.signal(Note, 'read it')
    const error = await outcome(verdict, clock, done)
    expect(error.name).toBe('ResumeValueRefusedError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (ResumeValueRefusedError is never ' +
        'retried): the resume value does not decode with string: value: expected string, got 5',
    )
    expect(ran.get('GuardedVerdict.run')).toBe(1)
  })

  it('ends EXCEPTED at once on a kept signal whose payload its codec refuses', async () => {
    const { clock, runner } = onTestClock()
    const approval = Approval.create(undefined, { runner })
    const done = approval.execute()
    receiveSignal(approval, 'approve', { by: 42 })
    approval.signal(Note, 'read it')
    const error = await outcome(approval, clock, done)
    expect(error.name).toBe('SignalPayloadRefusedError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (SignalPayloadRefusedError is never ' +
        "retried): the payload of signal 'approve' does not decode: payload.by: expected " +
        'string, got 42',
    )
    expect(ran.get('GuardedApproval.run')).toBe(1)
  })

  it('ends EXCEPTED at once when it waits for a signal the spec does not declare', async () => {
    const { clock, runner } = onTestClock()
    const stray = Stray.create(undefined, { runner })
    const error = await outcome(stray, clock, stray.execute())
    expect(error.name).toBe('UndeclaredSignalError')
    expect(error.message).toMatch(
      /^step run failed on attempt 1 of 3, not retried \(UndeclaredSignalError is never retried\): waits for signal 'cancel', which Stray does not declare/,
    )
    expect(ran.get('Stray.run')).toBe(1)
  })

  it('ends EXCEPTED at once when the arguments of its Continue are refused', async () => {
    const { clock, runner } = onTestClock()
    const bad = BadContinue.create(undefined, { runner })
    const error = await outcome(bad, clock, bad.execute())
    expect(error.name).toBe('InvalidArgumentsError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (InvalidArgumentsError is never retried): ' +
        'BadContinue.next refuses the arguments Continue gave it: args.0: expected string, got 5',
    )
    expect(ran.get('BadContinue.run')).toBe(1)
  })
})

describe('a retried entry whose child ends on a refusal', () => {
  it('is not launched again', async () => {
    const { clock, runner } = onTestClock()
    const launcher = Launcher.create(undefined, { runner })
    const error = await outcome(launcher, clock, launcher.execute())
    expect(error.name).toBe('InvalidArgumentsError')
    expect(error.message).toMatch(
      /^entry 'child' failed on attempt 1 of 3, not retried \(InvalidArgumentsError is never retried\): BadChild\.next refuses/,
    )
    expect(ran.get('BadChild.run')).toBe(1)
  })
})

describe('NEVER_RETRIED', () => {
  it('names each error with what it refuses', () => {
    expect([...NEVER_RETRIED.keys()]).toEqual([
      'InvalidResumeArgumentsError',
      'ResumeValueRefusedError',
      'SignalPayloadRefusedError',
      'UndeclaredSignalError',
      'InvalidArgumentsError',
      'InvalidInputsError',
      'OutputError',
      'NondeterminismError',
      'NotACommandError',
      'DurationError',
      'RetryPolicyError',
    ])
  })
})
