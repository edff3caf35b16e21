/**
 * What a process keeps in its inbox, as data and as text: the signals, and the resume, that came
 * before it waited for them. `list`, `show` and `status` print it beside what the process waits
 * for (`inbox: resume; signal approve`); payloads stay out, as they may be large or private.
 */
import * as t from 'io-ts'
import type { ProcessSnapshot } from '../process/snapshot.js'

/** One thing kept in an inbox: a resume (the signal without a name), or a signal by name. */
export type KeptItem =
  | { readonly kind: 'resume' }
  | { readonly kind: 'signal'; readonly name: string }

/** The JSON form of a `KeptItem` (in status replies), checked where it enters. */
export const KeptItemJson: t.Type<KeptItem, KeptItem, unknown> = t.union([
  t.type({ kind: t.literal('resume') }),
  t.type({ kind: t.literal('signal'), name: t.string }),
])

const NOTHING: readonly KeptItem[] = Object.freeze([])

/** What a snapshot keeps in its inbox, oldest first. */
export const keptOf = (snapshot: ProcessSnapshot): readonly KeptItem[] =>
  snapshot.inbox === undefined || snapshot.inbox.length === 0
    ? NOTHING
    : snapshot.inbox.map(({ name }) =>
        name === undefined ? { kind: 'resume' } : { kind: 'signal', name },
      )

/** The kept items on one line (`resume; signal approve`). */
export const formatKept = (items: readonly KeptItem[]): string =>
  items.map((item) => (item.kind === 'resume' ? 'resume' : `signal ${item.name}`)).join('; ')

/** `  inbox: …` to append to a line that says what a process waits for; empty when none. */
export const inboxSuffix = (items: readonly KeptItem[] | undefined): string =>
  items === undefined || items.length === 0 ? '' : `  inbox: ${formatKept(items)}`
