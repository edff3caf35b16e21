/**
 * Broadcast filters: which subjects (or senders) a broadcast subscriber receives.
 *
 * A filter is a string or a regular expression. The rules, on a filter `f` and a value `v` (a
 * subject or a sender):
 * - `f` is a `RegExp`: `f.test(v)`, as written (anchor it with `^…$` to match the whole value;
 *   its `g` and `y` flags are dropped, so that matching keeps no state between messages);
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
 * String subject filters ignore case, so that a kiwipy-style `state_changed.*.finished` matches
 * our `state_changed.RUNNING.FINISHED`; sender filters (pids) keep it.
 *
 * kiwipy matched a raw string prefix, so a sender filter `worker-1` also took `worker-10`;
 * the dotted prefix removes that surprise.
 */
import type { BroadcastFilter, BroadcastFilterOptions, BroadcastMessage } from './communicator.js'
import { InvalidFilterError } from './errors.js'

/** A compiled filter: does a subject (or sender) match? */
export type FilterPredicate = (value: string | undefined) => boolean

/** How a string filter compares. */
export interface FilterOptions {
  /** Compare without regard to case (default false; subject filters of subscribers: true). */
  readonly ignoreCase?: boolean
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Compiles one filter; throws `InvalidFilterError` on the empty string (or a non-filter). */
export const compileFilter = (
  filter: BroadcastFilter,
  options: FilterOptions = {},
): FilterPredicate => {
  if (filter instanceof RegExp) {
    const pattern = new RegExp(filter.source, filter.flags.replace(/[gy]/g, ''))
    return (value) => value !== undefined && pattern.test(value)
  }
  if (typeof filter !== 'string' || filter === '') throw new InvalidFilterError(filter)
  const flags = options.ignoreCase === true ? 'i' : ''
  const pattern = filter.includes('*')
    ? `^${filter.split('*').map(escapeRegExp).join('[\\s\\S]*')}$`
    : `^${escapeRegExp(filter)}(?:\\.[\\s\\S]*)?$`
  const compiled = new RegExp(pattern, flags)
  return (value) => value !== undefined && compiled.test(value)
}

/**
 * Does `value` match `filter`? See the module documentation for the rules.
 *
 * @example
 * matchesFilter('state_changed.*.FINISHED', 'state_changed.RUNNING.FINISHED') // true
 * matchesFilter('state_changed', 'state_changed.CREATED.RUNNING') // true
 * matchesFilter('worker-1', 'worker-10') // false
 * matchesFilter(/^worker-\d+$/, 'worker-10') // true
 */
export const matchesFilter = (
  filter: BroadcastFilter,
  value: string | undefined,
  options: FilterOptions = {},
): boolean => compileFilter(filter, options)(value)

/**
 * Compiles a subscriber's subject and sender filters into one predicate over broadcasts;
 * absent filters match everything. String subject filters ignore case.
 */
export const broadcastPredicate = (
  options: BroadcastFilterOptions = {},
): ((message: BroadcastMessage) => boolean) => {
  const subject =
    options.subjectFilter === undefined
      ? undefined
      : compileFilter(options.subjectFilter, { ignoreCase: true })
  const sender =
    options.senderFilter === undefined ? undefined : compileFilter(options.senderFilter)
  return (message) =>
    (subject === undefined || subject(message.subject)) &&
    (sender === undefined || sender(message.sender))
}
