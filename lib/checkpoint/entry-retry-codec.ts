/**
 * A retried entry's attempts in a checkpoint, as the `retry` field of its element of `awaiting`:
 * `{ n, of, delay, factor }` (the attempt, how many there may be, the policy's first wait and
 * growth), `cap` (its longest wait), `retryOn` (the host must ask it), `timeout` (each attempt's,
 * ms) and `timeoutRefused` (why a timed-out attempt is not retried), `until` while it backs off,
 * `last` (the failure before) and `launch` (what launches a child again: `{ def, inputs,
 * detached? }`).
 */
import * as t from 'io-ts'
import type { EntryRetry } from '../process/entry-retry-state.js'
import { refuse } from './flat.js'
import { Count, Deadline, ErrorJson } from './retry-codec.js'

const Ms = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'a whole number ≥ 0')
const Factor = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 1, 'a finite number ≥ 1')

/** The JSON of a retried entry's attempts. */
export const EntryRetryJson = t.intersection([
  t.type({ n: Count, of: Count, delay: Ms, factor: Factor }),
  t.partial({
    cap: Ms,
    retryOn: t.literal(true),
    timeout: Ms,
    timeoutRefused: t.string,
    until: Deadline,
    last: ErrorJson,
    launch: t.intersection([
      t.type({ def: t.string, inputs: t.unknown }),
      t.partial({ detached: t.literal(true) }),
    ]),
  }),
])

type Json = t.TypeOf<typeof EntryRetryJson>

/** Read a retried entry's attempts (`key` names the entry in errors). */
export const readEntryRetry = (json: Json, key: string): EntryRetry => {
  if (json.n > json.of)
    refuse(`awaiting '${key}': retry attempt ${json.n} is past the last (${json.of})`)
  const launch = json.launch
  return {
    attempt: json.n,
    maxAttempts: json.of,
    initialDelayMs: json.delay,
    factor: json.factor,
    maxDelayMs: json.cap,
    retryOn: json.retryOn === true,
    ...(json.timeout === undefined ? {} : { timeoutMs: json.timeout }),
    ...(json.timeoutRefused === undefined ? {} : { timeoutRefused: json.timeoutRefused }),
    deadline: json.until,
    lastError: json.last,
    ...(launch === undefined
      ? {}
      : {
          relaunch: {
            definition: launch.def,
            inputs: launch.inputs,
            ...(launch.detached === true ? { detached: true as const } : {}),
          },
        }),
  }
}

/** Write a retried entry's attempts (a restart under way is not kept: a reload fires again). */
export const writeEntryRetry = (retry: EntryRetry): Json => {
  const json: Json = {
    n: retry.attempt,
    of: retry.maxAttempts,
    delay: retry.initialDelayMs,
    factor: retry.factor,
  }
  if (retry.maxDelayMs !== undefined) json.cap = retry.maxDelayMs
  if (retry.retryOn) json.retryOn = true
  if (retry.timeoutMs !== undefined) json.timeout = retry.timeoutMs
  if (retry.timeoutRefused !== undefined) json.timeoutRefused = retry.timeoutRefused
  if (retry.deadline !== undefined) json.until = retry.deadline
  if (retry.lastError !== undefined)
    json.last = { name: retry.lastError.name, message: retry.lastError.message }
  const relaunch = retry.relaunch
  if (relaunch !== undefined)
    json.launch = {
      def: relaunch.definition,
      inputs: relaunch.inputs,
      ...(relaunch.detached === true ? { detached: true as const } : {}),
    }
  return json
}
