/** Small waiting and recording helpers for the communicator specs. */
import type { Logger } from '../../lib/runtime/environment.js'

/** Resolves once `condition()` holds; rejects after `timeoutMs` naming `what`. */
export const waitFor = async (
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

/** What a promise came to: its value or its error. */
export const outcomeOf = async (
  promise: Promise<unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )

/** The error a promise rejects with (fails the test when it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  const result = await outcomeOf(promise)
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`)
  return result.error
}

/** A promise to open by hand. */
export interface Gate {
  readonly opened: Promise<void>
  open(): void
}

export const gate = (): Gate => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** A logger that keeps its lines, to check what was reported. */
export interface RecordingLogger extends Logger {
  readonly lines: string[]
}

export const recordingLogger = (): RecordingLogger => {
  const lines: string[] = []
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  }
}
