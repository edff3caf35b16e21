/**
 * What a pid may be. A pid names one process everywhere it goes: an RPC routing key on the broker,
 * the subject of a control broadcast (`intent.kill.<pid>`), a sender that broadcast filters match
 * by dotted prefix, a primary key in PostgreSQL, a file name. The rule keeps it safe in all of
 * them:
 *
 * - 1 to {@link MAX_PID_LENGTH} characters;
 * - ASCII letters, digits, `_` and `-` only: no dot (a filter `p` would also match a pid `p.1`,
 *   and a broadcast subject could no longer be split), no `*` (a filter wildcard), no space, no
 *   control character (a NUL is refused by PostgreSQL), nothing that a shell or a URL would
 *   change.
 *
 * UUIDs (the pids the runner makes) and integers (AiiDA's) fit. The rule is checked where a pid
 * enters: `Runner.create({ pid })`, the `RemoteProcessController`, the tasks a `ProcessLauncher`
 * takes, the broadcasts `processControl` obeys, and the command line's arguments.
 */

/** The longest pid accepted, in characters. */
export const MAX_PID_LENGTH = 128

const PID = /^[A-Za-z0-9_-]+$/
const FIRST_BAD = /[^A-Za-z0-9_-]/

/** The characters a pid may hold, as error messages spell them. */
export const PID_CHARACTERS = 'A-Z a-z 0-9 _ -'

/** The character at `index`, for an error message: itself when printable ASCII, else U+XXXX. */
const describeCharacter = (text: string, index: number): string => {
  const code = text.codePointAt(index) ?? 0
  return code > 0x20 && code < 0x7f
    ? `'${String.fromCodePoint(code)}'`
    : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Why `value` is not a pid, or `undefined` when it is one (see the module documentation for the
 * rule).
 *
 * @example
 * pidProblem('3f43527d-4ca6-403b-935b-b6fb94624bc0') // undefined
 * pidProblem('a.b') // "'.' at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -)"
 */
export const pidProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return `a pid is a string, not ${typeof value}`
  if (value.length === 0) return 'a pid is not empty'
  if (value.length > MAX_PID_LENGTH)
    return `${value.length} characters, more than the ${MAX_PID_LENGTH} a pid may have`
  if (PID.test(value)) return undefined
  const bad = FIRST_BAD.exec(value)
  const at = bad?.index ?? 0
  return (
    `${describeCharacter(value, at)} at index ${at} is not allowed ` +
    `(a pid holds ${PID_CHARACTERS})`
  )
}

/** A pid as an error message shows it: JSON-quoted (a NUL reads `\u0000`), long ones cut. */
export const quotePid = (value: unknown): string => {
  const text = typeof value === 'string' ? value : String(value)
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text
  return JSON.stringify(shown)
}

/** A pid that breaks the rule, refused where it entered. */
export class InvalidPidError extends Error {
  override readonly name = 'InvalidPidError'
  constructor(
    /** The value given as a pid. */
    readonly pid: unknown,
    /** Where it was given: `launchProcess`, `Runner.create`, … */
    readonly where: string,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`invalid pid ${quotePid(pid)} given to ${where}: ${reason}`)
  }
}

/** `value` as a pid, or an {@link InvalidPidError} naming `where` it was given. */
export const validPid = (value: unknown, where: string): string => {
  const problem = pidProblem(value)
  if (problem !== undefined) throw new InvalidPidError(value, where, problem)
  return value as string
}
