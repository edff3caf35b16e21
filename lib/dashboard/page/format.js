// @ts-check
/** Times and durations as people read them. */

/**
 * A time as `2026-12-07 14:03:05.123` (local time), or `–`.
 * @param {number | undefined} ms
 */
export const formatTime = (ms) => {
  if (ms === undefined) return '–'
  const d = new Date(ms)
  const pad = (/** @type {number} */ n, width = 2) => String(n).padStart(width, '0')
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  )
}

/**
 * How long ago: `12 s ago`, `3 min ago`, `2 h ago`, `5 d ago`.
 * @param {number | undefined} ms
 * @param {number} now
 */
export const formatAgo = (ms, now) => {
  if (ms === undefined) return '–'
  const seconds = Math.max(0, (now - ms) / 1000)
  if (seconds < 60) return `${Math.floor(seconds)} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86400)} d ago`
}

/**
 * A duration: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 04 min`.
 * @param {number | undefined} ms
 */
export const formatDuration = (ms) => {
  if (ms === undefined) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60)
    return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/**
 * A count with thousands separators.
 * @param {number} n
 */
export const formatCount = (n) => n.toLocaleString('en-US')
