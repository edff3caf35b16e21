/**
 * The journal of a generator step suspended inside itself: each suspension is recorded with what
 * it asked for, as a stable key, and the answer it got. Replaying checks each key again, so a
 * step that asks for something else after a reload fails loudly instead of being fed an answer
 * meant for another question.
 */
import type { Draft } from 'immer'
import type { Awaitable, SignalWait } from '../commands/awaitables.js'
import { shortReport } from '../checkpoint/decode-report.js'
import { SINGLE, type SuspendCommand, type ToContextEntry } from '../commands/suspend.js'
import { fingerprint } from '../process/fingerprint.js'
import { ResumeValueRefusedError, SignalPayloadRefusedError } from './errors.js'

/**
 * The key of what a suspension asks for: `resume`; `sleep(259200000)` (the duration, not the
 * deadline, which the host fixes) or `sleepUntil(<epoch ms>)`; or `toContext(` and, per entry,
 * its key (`+=` when appended) and what it awaits (`launch:Square#<hash of the inputs>`, `task`,
 * `promise`, `sleep(…)`).
 */
export const askedKey = (command: SuspendCommand): string => {
  switch (command._tag) {
    case 'WaitForResume':
      return 'resume'
    case 'Sleep':
    case 'WaitForSignal':
      return awaitableKey(command.awaitable)
    case 'ToContext':
      return `toContext(${command.entries.map(entryKey).join(',')})`
    case 'Race':
      return `race(${command.entries.map(entryKey).join(',')})`
    case 'All':
      return `all(${command.entries.map(entryKey).join(',')})`
  }
}

const entryKey = (entry: ToContextEntry): string =>
  `${entry.key}${entry.append ? '+=' : '='}${awaitableKey(entry.awaitable)}`

const awaitableKey = (awaitable: Awaitable): string => {
  switch (awaitable._tag) {
    case 'Launch':
      return `${awaitable.detached === true ? 'detached:' : ''}launch:${awaitable.definition.name}#${fingerprint(canonical(awaitable.inputs))}`
    case 'Task':
      return 'task'
    case 'Promise':
      return 'promise'
    // Joined, not concatenated: every sleeping process keeps its key, and a concatenation is kept
    // as a chain of pieces that weighs twice a flat string.
    case 'Timer':
      return awaitable.until === undefined
        ? ['sleep(', awaitable.ms ?? 0, ')'].join('')
        : ['sleepUntil(', awaitable.until, ')'].join('')
    case 'SignalWait':
      return ['signal(', awaitable.signal.name, ')'].join('')
  }
}

/** The answer to a suspension as the step sees it, and its effect on the step's draft. */
export const deliverAnswer = (
  command: SuspendCommand,
  context: { readonly real: Draft<any> },
  answer: unknown,
): unknown => {
  switch (command._tag) {
    case 'WaitForResume': {
      if (command.codec === undefined) return answer
      // A resume kept before the wait started was checked as JSON only: its codec decides here,
      // and a value it refuses fails the step (as does one a changed codec no longer takes).
      const decoded = command.codec.decode(answer)
      if (decoded._tag === 'Left')
        throw new ResumeValueRefusedError(
          describeCodec(command.codec),
          shortReport(decoded.left, 'value'),
        )
      return decoded.right
    }
    case 'Sleep':
      return (answer as Record<string, unknown> | undefined)?.[SINGLE]
    case 'WaitForSignal':
      return decodePayload(command.awaitable, (answer as Record<string, unknown>)[SINGLE])
    case 'Race':
    case 'All':
      return decodeSignals(command.entries, answer)
    case 'ToContext': {
      const decoded = decodeSignals(command.entries, answer)
      putInContext(context.real, command.entries, decoded)
      return decoded
    }
  }
}

/** A signal's payload as the step sees it: decoded by its codec (it was checked on entry). */
const decodePayload = (wait: SignalWait, payload: unknown): unknown => {
  const decoded = wait.signal.codec.decode(payload)
  if (decoded._tag === 'Left')
    throw new SignalPayloadRefusedError(
      wait.signal.name,
      shortReport(decoded.left, 'payload', true),
    )
  return decoded.right
}

/** The results by key, with the payloads of the signals among them decoded. */
const decodeSignals = (entries: readonly ToContextEntry[], answer: unknown): unknown => {
  if (!entries.some((entry) => entry.awaitable._tag === 'SignalWait')) return answer
  const results = { ...(answer as Record<string, unknown>) }
  for (const entry of entries)
    if (entry.awaitable._tag === 'SignalWait' && entry.key in results && !entry.append)
      results[entry.key] = decodePayload(entry.awaitable, results[entry.key])
  return results
}

/** Awaited results land in the context under their keys, as they do for plain steps. */
const putInContext = (
  draft: Draft<any>,
  entries: readonly ToContextEntry[],
  answer: unknown,
): void => {
  const results = (answer ?? {}) as Record<string, unknown>
  const ctx = draft as Record<string, unknown>
  for (const key of new Set(entries.map((entry) => entry.key))) {
    const value = results[key]
    if (entries.some((entry) => entry.key === key && entry.append)) {
      const list = Array.isArray(ctx[key]) ? (ctx[key] as unknown[]) : []
      ctx[key] = [...list, ...(Array.isArray(value) ? value : [value])]
    } else {
      ctx[key] = value
    }
  }
}

const describeCodec = (codec: { readonly name?: string }): string => codec.name ?? 'its codec'

/** JSON with object keys sorted, so that equal inputs give equal keys. */
const canonical = (value: unknown): string => {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          : v,
      ) ?? 'undefined'
    )
  } catch {
    return String(value)
  }
}
