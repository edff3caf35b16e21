/**
 * Errors, both as data (inside snapshots and checkpoints) and as the Error classes the Promise
 * API throws.
 */

/** An error as plain data: what a snapshot keeps of an exception. */
export interface ErrorInfo {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/** The data of any thrown value; non-errors are described by their string form. */
export const errorInfo = (error: unknown): ErrorInfo => {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack }
  }
  return { name: 'Error', message: describeThrown(error) }
}

const describeThrown = (value: unknown): string => {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The outcome of a killed process: `execute()` rejects with it and `result()` throws it. */
export class KilledError extends Error {
  override readonly name = 'KilledError'
  constructor(readonly killMessage: string | undefined) {
    super(killMessage ?? 'Process was killed')
  }
}

/** Asked for something the process's current state does not allow (`result()` while RUNNING…). */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError'
}

/** `execute()` on a process that has already terminated. */
export class ClosedError extends Error {
  override readonly name = 'ClosedError'
}

/** An error rebuilt from its data, e.g. after reloading an EXCEPTED process. */
export class ProcessError extends Error {
  constructor(info: ErrorInfo) {
    super(info.message)
    this.name = info.name
    if (info.stack !== undefined) this.stack = info.stack
  }
}
