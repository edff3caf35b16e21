/** How the command line prints times and durations: UTC, to the second (or millisecond). */

/** `2026-01-31 12:00:05` (UTC), or `-` when unknown. */
export const formatTime = (ms: number | undefined): string =>
  ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/** `2026-01-31 12:00:05.123` (UTC). */
export const formatPreciseTime = (ms: number): string =>
  new Date(ms).toISOString().slice(0, 23).replace('T', ' ')

/** `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
}
