/**
 * What a WAITING process waits for, as data and as text: the one description that `list`,
 * `show` and `status`, the state-change broadcasts and the listeners' `onProcessWaiting` share.
 * `waitsOf` reads a snapshot and nothing else; `formatWait` prints deadlines in ISO form and
 * relative to a `now` the caller takes from its clock (the runner's, or the CLI's).
 */
import * as t from 'io-ts'
import type { ProcessSnapshot } from '../process/snapshot.js'

/** One thing a process waits for. `key` is where its result goes (a context key). */
export type WaitItem =
  | { readonly kind: 'child'; readonly key: string; readonly pid: string }
  | { readonly kind: 'task'; readonly key: string }
  | { readonly kind: 'timer'; readonly key: string; readonly deadline: number }
  | { readonly kind: 'signal'; readonly key: string; readonly name: string }
  /** A timeout's timer: `of` is what it guards (`step <name>`, or an entry's key). */
  | { readonly kind: 'timeout'; readonly of: string; readonly deadline: number }
  | { readonly kind: 'resume'; readonly message?: string }
  /** A guarded step backing off: attempt `attempt` of `maxAttempts` starts at `deadline`. */
  | {
      readonly kind: 'retry'
      readonly step: string
      readonly attempt: number
      readonly maxAttempts: number
      readonly deadline: number
      readonly lastError?: string
    }
  /** A retried entry backing off: its attempt `attempt` of `maxAttempts` starts at `deadline`. */
  | {
      readonly kind: 'backoff'
      readonly key: string
      readonly attempt: number
      readonly maxAttempts: number
      readonly deadline: number
      readonly lastError?: string
    }

/** The JSON form of a `WaitItem` (in status replies and broadcasts), checked where it enters. */
export const WaitItemJson: t.Type<WaitItem, WaitItem, unknown> = t.union([
  t.type({ kind: t.literal('child'), key: t.string, pid: t.string }),
  t.type({ kind: t.literal('task'), key: t.string }),
  t.type({ kind: t.literal('timer'), key: t.string, deadline: t.number }),
  t.type({ kind: t.literal('signal'), key: t.string, name: t.string }),
  t.type({ kind: t.literal('timeout'), of: t.string, deadline: t.number }),
  t.intersection([t.type({ kind: t.literal('resume') }), t.partial({ message: t.string })]),
  t.intersection([
    t.type({
      kind: t.literal('retry'),
      step: t.string,
      attempt: t.number,
      maxAttempts: t.number,
      deadline: t.number,
    }),
    t.partial({ lastError: t.string }),
  ]),
  t.intersection([
    t.type({
      kind: t.literal('backoff'),
      key: t.string,
      attempt: t.number,
      maxAttempts: t.number,
      deadline: t.number,
    }),
    t.partial({ lastError: t.string }),
  ]),
])

const NOTHING: readonly WaitItem[] = Object.freeze([])

/** What a snapshot waits for: nothing unless it is WAITING. */
export const waitsOf = (snapshot: ProcessSnapshot): readonly WaitItem[] => {
  const state = snapshot.state
  if (state._tag !== 'WAITING') return NOTHING
  const retry = snapshot.retry
  if (retry?.deadline !== undefined)
    return [
      {
        kind: 'retry',
        step: retry.step,
        attempt: retry.attempt,
        maxAttempts: retry.maxAttempts,
        deadline: retry.deadline,
        ...(retry.lastError === undefined ? {} : { lastError: errorLine(retry.lastError) }),
      },
    ]
  if (state.awaiting.length === 0)
    return [
      state.message === undefined ? { kind: 'resume' } : { kind: 'resume', message: state.message },
    ]
  return state.awaiting.flatMap((pending): WaitItem[] => {
    if (pending.done) return []
    const { key, ref } = pending
    const retry = pending.retry
    if (retry?.deadline !== undefined)
      return [
        {
          kind: 'backoff',
          key,
          attempt: retry.attempt,
          maxAttempts: retry.maxAttempts,
          deadline: retry.deadline,
          ...(retry.lastError === undefined ? {} : { lastError: errorLine(retry.lastError) }),
        },
      ]
    if (pending.timeout !== undefined && ref._tag === 'Timer')
      return [{ kind: 'timeout', of: pending.timeout, deadline: ref.deadline }]
    switch (ref._tag) {
      case 'Child':
        return [{ kind: 'child', key, pid: ref.pid }]
      case 'Promise':
        return [{ kind: 'task', key }]
      case 'Timer':
        return [{ kind: 'timer', key, deadline: ref.deadline }]
      case 'Signal':
        return [{ kind: 'signal', key, name: ref.name }]
      default:
        return ref satisfies never
    }
  })
}

const errorLine = (error: { readonly name: string; readonly message: string }): string =>
  `${error.name}: ${error.message}`

/** `2026-03-01T00:00:10.000Z (in 10s)`, or `(3s ago)`, `(now)`. */
export const formatInstant = (deadline: number, now: number): string =>
  `${new Date(deadline).toISOString()} (${relative(deadline - now)})`

const relative = (ms: number): string => {
  const seconds = Math.round(Math.abs(ms) / 1000)
  if (seconds === 0) return 'now'
  const parts: string[] = []
  const units: readonly [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ]
  let left = seconds
  for (const [size, unit] of units) {
    if (left >= size) parts.push(`${Math.floor(left / size)}${unit}`)
    left %= size
  }
  const span = parts.slice(0, 2).join(' ')
  return ms > 0 ? `in ${span}` : `${span} ago`
}

/** One wait as a line: `child 1a2b (ctx.sq)`, `signal approve`, `retry fetch: attempt 2 of 3 …`. */
export const formatWait = (item: WaitItem, now: number): string => {
  switch (item.kind) {
    case 'child':
      return `child ${item.pid} (ctx.${item.key})`
    case 'task':
      return `task (ctx.${item.key})`
    case 'timer':
      return `timer until ${formatInstant(item.deadline, now)}`
    case 'signal':
      return `signal ${item.name}`
    case 'timeout':
      return `timeout of ${item.of} at ${formatInstant(item.deadline, now)}`
    case 'resume':
      return item.message === undefined ? 'resume' : `resume: ${item.message}`
    case 'retry':
      return (
        `retry ${item.step}: attempt ${item.attempt} of ${item.maxAttempts} at ` +
        `${formatInstant(item.deadline, now)}` +
        (item.lastError === undefined ? '' : `, after ${item.lastError}`)
      )
    case 'backoff':
      return (
        `retry ${item.attempt}/${item.maxAttempts} of entry ${item.key} at ` +
        `${formatInstant(item.deadline, now)}` +
        (item.lastError === undefined ? '' : `, after ${item.lastError}`)
      )
    default:
      return item satisfies never
  }
}

/** Every wait on one line (for `list` and `status`), `-` when there is none. */
export const formatWaits = (items: readonly WaitItem[], now: number): string =>
  items.length === 0 ? '-' : items.map((item) => formatWait(item, now)).join('; ')
