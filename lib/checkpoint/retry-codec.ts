/**
 * A guarded step's attempts in a checkpoint, as `retry`: `{ step, n, of }` (the attempt and how
 * many there may be), where the step starts again (`args` for a process's step, `at` for a work
 * chain's cursor), `until` while it backs off, `last` (the failure before) and `failed` (what the
 * attempt awaited failed, to be reported).
 */
import * as t from 'io-ts'
import type { ErrorInfo } from '../process/errors.js'
import type { Position } from '../process/position.js'
import type { RetryState } from '../process/retry-state.js'
import { flatPart, refuse } from './flat.js'

/** An attempt or a count of them: a whole number ≥ 1. */
export const Count = t.refinement(
  t.number,
  (n) => Number.isSafeInteger(n) && n >= 1,
  'a whole number ≥ 1',
)
const Index = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0')
/** A backoff's deadline: a whole number of ms since the epoch. */
export const Deadline = t.refinement(t.number, Number.isSafeInteger, 'a whole number of ms')
/** A failure as a retry keeps it: its name and message. */
export const ErrorJson: t.Type<ErrorInfo, ErrorInfo, unknown> = t.type({
  name: t.string,
  message: t.string,
})

const RetryJson = t.intersection([
  t.type({ step: t.string, n: Count, of: Count }),
  t.partial({
    args: t.array(t.unknown),
    at: t.array(Index),
    until: Deadline,
    last: ErrorJson,
    failed: ErrorJson,
  }),
])

type Json = t.TypeOf<typeof RetryJson>

const positionOf = (json: Json): Position =>
  json.at !== undefined
    ? json.args !== undefined
      ? refuse(`retry: 'args' and 'at' cannot both be set`)
      : { _tag: 'Outline', cursor: json.at }
    : { _tag: 'Step', step: json.step, args: json.args ?? [] }

const read = (json: Json): RetryState => {
  if (json.n > json.of) refuse(`retry: attempt ${json.n} is past the last (${json.of})`)
  return {
    step: json.step,
    at: positionOf(json),
    attempt: json.n,
    maxAttempts: json.of,
    deadline: json.until,
    lastError: json.last,
    ...(json.failed === undefined ? {} : { failed: json.failed }),
  }
}

const write = (retry: RetryState): Json => {
  const json: Json = { step: retry.step, n: retry.attempt, of: retry.maxAttempts }
  if (retry.at._tag === 'Outline') json.at = [...retry.at.cursor]
  else if (retry.at.args.length > 0) json.args = [...retry.at.args]
  if (retry.deadline !== undefined) json.until = retry.deadline
  if (retry.lastError !== undefined)
    json.last = { name: retry.lastError.name, message: retry.lastError.message }
  if (retry.failed !== undefined)
    json.failed = { name: retry.failed.name, message: retry.failed.message }
  return json
}

/** The snapshot's `retry`, absent when no guarded step is under way. */
export const RetryPart = flatPart(
  { optional: { retry: RetryJson } },
  {
    read: (json): RetryState | undefined =>
      json.retry === undefined ? undefined : read(json.retry),
    write: (retry, json) => {
      if (retry !== undefined) json.retry = write(retry)
    },
  },
)
