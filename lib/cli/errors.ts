/**
 * Exit codes of the command line, and the errors that carry them. Every failure ends with one
 * line on stderr, `plumpy-ts: <what failed and why>`, and one of these codes.
 */
import { CommanderError } from 'commander'
import { RemoteError, UnroutableError } from '../comms/errors.js'
import { UnknownProcessError } from '../worker/inspect.js'

/** The exit codes, as `--help` lists them. */
export const EXIT = {
  ok: 0,
  /**
   * The request was answered "no" (pause, play or kill of a process that has terminated), or
   * problems were found (`check`, `revive`).
   */
  refused: 1,
  /** Bad arguments, bad URL, unreachable server, or any other error. */
  error: 2,
  /** No such process: not in the store, or not live on any worker. */
  notFound: 3,
  /** No answer in time from the worker that runs the process. */
  timeout: 4,
} as const

/** The text appended to `--help`. */
export const EXIT_CODES_HELP = `
Exit codes: 0 done; 1 refused (pausing, playing or killing a process that has terminated: with
--store, or when its worker answers) or problems found (check, revive); 2 bad arguments, bad
URL, unreachable server or other error; 3 no such process (not in the store, or not live on any
worker: without --store, pause, play and kill cannot tell an ended process from one that never
existed); 4 no answer in time from the worker running the process.`

/** An error the command line reports as is, with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message)
  }
}

/** The exit code for any error that reached the top. */
export const exitCodeOf = (error: unknown): number => {
  if (error instanceof CliError) return error.exitCode
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error
  if (error instanceof UnknownProcessError || error instanceof UnroutableError) return EXIT.notFound
  return EXIT.error
}

/** The message for an error that reached the top (commander already printed its own). */
export const messageOf = (error: unknown): string | undefined => {
  if (error instanceof CommanderError) return undefined
  if (error instanceof RemoteError)
    return `the worker answered ${error.remoteName}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

/** `promise`, or a `CliError` with exit code 4 after `ms` milliseconds. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CliError(`no answer ${what} within ${ms} ms`, EXIT.timeout)),
      ms,
    )
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
