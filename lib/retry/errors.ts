/**
 * The error of a guarded step whose attempts are over: it names the step and the attempts, keeps
 * the last error as its `cause`, and takes that error's name (so a `catch` that tells errors
 * apart by name still can, and a reloaded process rebuilds the same name from its checkpoint).
 */
import type { FailureInfo } from './policy.js'

/** How a guarded step's attempts ended. */
export interface GivenUp {
  readonly step: string
  readonly attempt: number
  readonly maxAttempts: number
  /** Why `retryOn` declined (undefined: the attempts ran out). */
  readonly refused: string | undefined
}

/** `step fetch failed after 3 attempts: <last message>`, or why it was not retried. */
export const givenUpMessage = (ended: GivenUp, last: FailureInfo): string =>
  `step ${ended.step} ${whyGivenUp(ended)}: ${last.message}`

const whyGivenUp = (ended: {
  readonly attempt: number
  readonly maxAttempts: number
  readonly refused: string | undefined
}): string =>
  ended.refused !== undefined
    ? `failed on attempt ${ended.attempt} of ${ended.maxAttempts}, not retried (${ended.refused})`
    : `failed after ${ended.attempt} attempt${ended.attempt === 1 ? '' : 's'}`

/**
 * Attempts that are over: `attempts` were made, `cause` is the last failure, whose name it
 * takes; `describe` makes the message from that failure.
 */
export class AttemptsSpentError extends Error {
  readonly attempts: number
  constructor(describe: (last: FailureInfo) => string, attempts: number, last: unknown) {
    const info = last instanceof Error ? last : { name: 'Error', message: String(last) }
    super(describe(info), { cause: last })
    this.name = info.name
    this.attempts = attempts
  }
}

/** A guarded step gave up: `attempts` were made, `cause` is the last failure. */
export class AttemptsOverError extends AttemptsSpentError {
  readonly step: string
  constructor(ended: GivenUp, last: unknown) {
    super((info) => givenUpMessage(ended, info), ended.attempt, last)
    this.step = ended.step
  }
}

/** How a retried entry's attempts ended (`refused` undefined: they ran out). */
export interface EntryGivenUp {
  readonly key: string
  readonly attempt: number
  readonly maxAttempts: number
  readonly refused: string | undefined
}

/** `entry 'x' failed after 3 attempts: <last message>`, or why it was not retried. */
export const entryGivenUpMessage = (ended: EntryGivenUp, last: FailureInfo): string =>
  `entry '${ended.key}' ${whyGivenUp(ended)}: ${last.message}`

/**
 * A retried entry gave up: `attempts` were made, `cause` is the last failure; it takes that
 * failure's name, as `AttemptsOverError` does.
 */
export class EntryAttemptsOverError extends AttemptsSpentError {
  readonly entry: string
  constructor(ended: EntryGivenUp, last: unknown) {
    super((info) => entryGivenUpMessage(ended, info), ended.attempt, last)
    this.entry = ended.key
  }
}
