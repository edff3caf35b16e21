/** Errors a step can fail with because of what it yielded. */

/** An output that does not fit its port: the step fails and the process becomes EXCEPTED. */
export class OutputError extends Error {
  override readonly name = 'OutputError'
  constructor(
    readonly port: string,
    reason: string,
  ) {
    super(`invalid output '${port}': ${reason}`)
  }
}

/** Where a replay went another way than the run it replays. */
export interface Divergence {
  readonly pid: string
  readonly step: string
  /** The index of the journal entry the replay disagreed with. */
  readonly entry: number
  /** What the journal recorded the step asked for there. */
  readonly recorded: string
  /** What the step asked for on replay (or how it ended instead). */
  readonly yielded: string
}

/**
 * A generator step replayed from its journal asked for something else than it did before: its
 * code changed, or it read something that is not its context, inputs or answers (a clock, a random
 * number, a global). Feeding it the recorded answer would give a wrong result, so the process
 * goes EXCEPTED with this error instead.
 */
export class NondeterminismError extends Error {
  override readonly name = 'NondeterminismError'
  constructor(readonly divergence: Divergence) {
    const { pid, step, entry, recorded, yielded } = divergence
    super(
      `process ${pid}, step ${step}: replay diverged at journal entry ${entry}: ` +
        `recorded ${recorded}, yielded ${yielded}`,
    )
  }
}

/** A generator yielded something that is not a command. */
export class NotACommandError extends Error {
  override readonly name = 'NotACommandError'
  constructor(step: string, yielded: string) {
    super(`step ${step} yielded ${yielded}: a generator step yields commands only`)
  }
}

/**
 * A resume value that `waitForResume`'s codec refuses when the wait takes it (one kept before
 * the wait started, or a value a changed codec no longer takes): the step fails, never retried.
 */
export class ResumeValueRefusedError extends Error {
  override readonly name = 'ResumeValueRefusedError'
  constructor(
    readonly codec: string,
    readonly reason: string,
  ) {
    super(`the resume value does not decode with ${codec}: ${reason}`)
  }
}

/**
 * A signal's payload that its codec refuses when the wait takes it (an undeclared signal kept
 * before the wait started is checked only then): the step fails, never retried.
 */
export class SignalPayloadRefusedError extends Error {
  override readonly name = 'SignalPayloadRefusedError'
  constructor(
    readonly signal: string,
    readonly reason: string,
  ) {
    super(`the payload of signal '${signal}' does not decode: ${reason}`)
  }
}

/** A step of a process whose spec declares its signals waits for another: it fails at once. */
export class UndeclaredSignalError extends Error {
  override readonly name = 'UndeclaredSignalError'
  constructor(
    readonly definition: string,
    readonly signal: string,
    declared: readonly string[],
  ) {
    super(
      `waits for signal '${signal}', which ${definition} does not declare ` +
        `(its spec's signals: ${declared.join(', ') || 'none'})`,
    )
  }
}
