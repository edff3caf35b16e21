/**
 * Broadcast filters: which subjects (or senders) a broadcast subscriber receives.
 *
 * The rules, on a filter `f` and a value `v` (a subject or a sender):
 * - `f` contains `*`: `v` must match `f` as a whole, each `*` matching any run of characters,
 *   possibly empty, dots included (`state_changed.*.FINISHED` matches
 *   `state_changed.RUNNING.FINISHED`; `*` alone matches every value);
 * - `f` has no `*`: a dotted prefix, `v === f` or `v` starts with `f + '.'` (`state_changed`
 *   matches `state_changed.CREATED.RUNNING`, not `state_changed_early`; a pid matches only
 *   itself, never a longer pid);
 * - a message without the value (no subject, no sender) matches no filter on it;
 * - the empty filter is refused (`InvalidFilterError`): it would read as "match all" to some
 *   and "match nothing" to others.
 *
 * kiwipy matched a raw string prefix, so a sender filter `worker-1` also took `worker-10`;
 * the dotted prefix removes that surprise.
 */
import type { BroadcastFilterOptions, BroadcastMessage } from './communicator.js'
import { InvalidFilterError } from './errors.js'

/** A compiled filter: does a subject (or sender) match? */
export type FilterPredicate = (value: string | undefined) => boolean

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Compiles one filter; throws `InvalidFilterError` on the empty string. */
export const compileFilter = (filter: string): FilterPredicate => {
  if (filter === '') throw new InvalidFilterError(filter)
  if (filter.includes('*')) {
    const pattern = new RegExp(`^${filter.split('*').map(escapeRegExp).join('[\\s\\S]*')}$`)
    return (value) => value !== undefined && pattern.test(value)
  }
  const prefix = `${filter}.`
  return (value) => value !== undefined && (value === filter || value.startsWith(prefix))
}

/**
 * Does `value` match `filter`? See the module documentation for the rules.
 *
 * @example
 * matchesFilter('state_changed.*.FINISHED', 'state_changed.RUNNING.FINISHED') // true
 * matchesFilter('state_changed', 'state_changed.CREATED.RUNNING') // true
 * matchesFilter('worker-1', 'worker-10') // false
 */
export const matchesFilter = (filter: string, value: string | undefined): boolean =>
  compileFilter(filter)(value)

/**
 * Compiles a subscriber's subject and sender filters into one predicate over broadcasts;
 * absent filters match everything.
 */
export const broadcastPredicate = (
  options: BroadcastFilterOptions = {},
): ((message: BroadcastMessage) => boolean) => {
  const subject =
    options.subjectFilter === undefined ? undefined : compileFilter(options.subjectFilter)
  const sender =
    options.senderFilter === undefined ? undefined : compileFilter(options.senderFilter)
  return (message) =>
    (subject === undefined || subject(message.subject)) &&
    (sender === undefined || sender(message.sender))
}
