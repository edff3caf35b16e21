/**
 * Helpers for the tests of failures no policy retries: a count of step runs, a policy that would
 * retry anything, and the end of a process once a test clock has passed every backoff that
 * policy allows.
 */
import { expect } from 'vitest'
import type { RetryPolicy } from '../../lib/retry/policy.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import type { TestClock } from '../../lib/testing/test-clock.js'
import { turns } from './helpers.js'

/** How often each step body ran, by `<definition>.<step>` (a test file's own count). */
export const ran = new Map<string, number>()

/** Count one run of a step body. */
export const count = (key: string): void => {
  ran.set(key, (ran.get(key) ?? 0) + 1)
}

/** A policy that would retry anything, three times. */
export const retry: RetryPolicy = { maxAttempts: 3, initialDelay: '1s', retryOn: () => true }

/**
 * The error `done` (the process's `execute()`) rejects with, after the test clock has passed
 * every backoff `retry` allows; the process must have ended EXCEPTED with no backoff left.
 */
export const outcome = async (
  process: ProcessHandle,
  clock: TestClock,
  done: Promise<unknown>,
): Promise<Error> => {
  const settled = done.then(
    () => undefined,
    (error: unknown) => error,
  )
  for (let i = 0; i < 5; i++) {
    await turns(10)
    clock.advance('1 min')
  }
  expect(process.state).toBe('EXCEPTED')
  expect(clock.pending).toBe(0)
  expect(process.snapshot.retry).toBeUndefined()
  return (await settled) as Error
}
