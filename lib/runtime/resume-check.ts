/**
 * What `resume(value)` checks before anything changes: that a checkpointing runner can keep the
 * value (JSON), and, when the process already waits for a resume, that it decodes with the codec
 * the waiting step gave `waitForResume`, or, for a `Wait(step)`, with the arguments codec that
 * step declares (`step({ args }, …)`).
 */
import { shortReport } from '../checkpoint/decode-report.js'
import { argumentsProblem } from '../process/declare-step.js'
import { waitsForResume } from '../process/signals.js'
import { suspensionOf } from '../step/execute.js'
import type { ProcessHandle } from './handle.js'
import { notJsonValue } from './json-guard.js'

/** A resume value the waiting step's codec refuses: nothing changes, the process still waits. */
export class InvalidResumeValueError extends Error {
  override readonly name = 'InvalidResumeValueError'
  constructor(
    readonly pid: string,
    readonly reason: string,
  ) {
    super(`process ${pid} refused the resume value: ${reason}`)
  }
}

/**
 * Throws when `value` cannot resume `process`. A value that will be kept (the process does not
 * wait for a resume yet) is checked as JSON only: its codec is the wait's, known when the wait
 * starts, and a value it refuses then fails that step (see `deliverAnswer`, `executeStep`).
 */
export const checkResumeValue = (process: ProcessHandle, value: unknown): void => {
  if (process.host.keepsJson === true) {
    const notJson = notJsonValue(
      process.pid,
      value,
      'the resume value',
      process.host.checkpointLimits,
    )
    if (notJson !== undefined) throw notJson
  }
  const waiting = process.snapshot.state
  if (!waitsForResume(waiting)) return
  if (waiting.asked === undefined && waiting.position._tag === 'Step') {
    // A `Wait` for a step that declares its arguments: the value becomes them, so check it here.
    const steps = process.definition.steps as Readonly<Record<string, unknown>>
    const args = value === undefined ? [] : [value]
    const problem = argumentsProblem(steps[waiting.position.step], args)
    if (problem !== undefined) throw new InvalidResumeValueError(process.pid, problem)
    return
  }
  const suspension = suspensionOf(process)
  if (suspension?._tag !== 'WaitForResume' || suspension.codec === undefined) return
  const decoded = suspension.codec.decode(value)
  if (decoded._tag === 'Left')
    throw new InvalidResumeValueError(process.pid, shortReport(decoded.left, 'value'))
}
