/**
 * Durations as people write them: a number of milliseconds, or text such as `'90s'`,
 * `'3 days'`, `'1.5h'`, `'250 ms'`. Parsed once, when the command that takes one is made, so a
 * typo fails where it is written rather than when the timer is armed.
 */

/** The units a duration may name, singular or plural, long or short. */
export type DurationUnit =
  | 'ms'
  | 's'
  | 'sec'
  | 'second'
  | 'seconds'
  | 'm'
  | 'min'
  | 'minute'
  | 'minutes'
  | 'h'
  | 'hour'
  | 'hours'
  | 'd'
  | 'day'
  | 'days'
  | 'w'
  | 'week'
  | 'weeks'

/** A duration: milliseconds, or `'<number><unit>'` / `'<number> <unit>'`. */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`

const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
}

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/

/** A duration that cannot be read: what was given and why. */
export class DurationError extends Error {
  override readonly name = 'DurationError'
}

/**
 * The whole number of milliseconds `duration` stands for (fractions rounded). Throws a
 * `DurationError` for a negative, non-finite or unreadable one.
 */
export const toMilliseconds = (duration: Duration): number => {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0)
      throw new DurationError(`a duration must be a finite number of ms ≥ 0, got ${duration}`)
    return Math.round(duration)
  }
  const parts = PATTERN.exec(String(duration).toLowerCase())
  const unit = parts?.[2] as DurationUnit | undefined
  if (parts === null || unit === undefined || !(unit in UNIT_MS))
    throw new DurationError(
      `cannot read the duration '${String(duration)}': expected a number and a unit ` +
        `(ms, s, m, h, d, w, or their long names), such as '90s' or '3 days'`,
    )
  return Math.round(Number(parts[1]) * UNIT_MS[unit])
}
