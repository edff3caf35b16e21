/**
 * A pid means one process. Launches are idempotent by pid: a launch (or create) delivered again
 * joins, continues or follows the process that its pid names. That is right only when it is the
 * same launch. A task that names an existing pid with another definition, or other inputs, asks
 * for another process under a pid already taken: it is refused with a {@link PidConflictError}
 * naming both, rather than answered with the outputs of a process it did not ask for.
 *
 * Two launches are the same when they name the same definition and their raw inputs (as given,
 * before defaults) have the same canonical JSON: JSON with the keys of every object sorted, so
 * that `{ a: 1, b: 2 }` and `{ b: 2, a: 1 }` are one input, while `1` and `1.5`, `[1, 2]` and
 * `[2, 1]`, or a missing key and a key set to its default are not. Absent inputs are `{}`.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import type { ProcessHandle } from '../runtime/handle.js'
import type { CreateTask, LaunchTask, LauncherTask } from './messages.js'

/** What a launch asks for: a definition, by name, and its raw inputs. */
export interface LaunchIdentity {
  readonly definition: string
  readonly inputs: unknown
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * JSON text with the keys of every object sorted: equal for equal data, whatever the order in
 * which its keys were written.
 *
 * @example
 * canonicalJson({ b: [2, { d: 1, c: 0 }], a: 1 }) // '{"a":1,"b":[2,{"c":0,"d":1}]}'
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value ?? {}, (_key, field: unknown) =>
    isRecord(field)
      ? Object.fromEntries(
          Object.keys(field)
            .sort()
            .map((key) => [key, field[key]]),
        )
      : field,
  ) ?? 'undefined'

/** Inputs in an error message: canonical JSON, cut after 200 characters. */
const shown = (inputs: unknown): string => {
  const text = canonicalJson(inputs)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

/** A launch or create task for a pid that already names another process. */
export class PidConflictError extends Error {
  override readonly name = 'PidConflictError'
  constructor(
    readonly pid: string,
    /** The process the pid names. */
    readonly existing: LaunchIdentity,
    /** What the refused task asked for. */
    readonly requested: LaunchIdentity,
  ) {
    super(
      `pid ${pid} is already a ${existing.definition} process with inputs ` +
        `${shown(existing.inputs)}: refused to launch ${requested.definition} with inputs ` +
        `${shown(requested.inputs)} under it (a pid means one process: use another pid)`,
    )
  }
}

/** What a launch or create task asks for. */
export const identityOfTask = (task: LaunchTask | CreateTask): LaunchIdentity => ({
  definition: task.definition,
  inputs: task.inputs,
})

/** Throws a {@link PidConflictError} unless `task` asks for the process `existing` describes. */
export const checkSameProcess = (task: LaunchTask | CreateTask, existing: LaunchIdentity): void => {
  const requested = identityOfTask(task)
  if (
    requested.definition !== existing.definition ||
    canonicalJson(requested.inputs) !== canonicalJson(existing.inputs)
  )
    throw new PidConflictError(task.pid, existing, requested)
}

/** What a live process was launched as. */
export const identityOfProcess = (process: ProcessHandle): LaunchIdentity => ({
  definition: process.name,
  inputs: process.rawInputs,
})

/** What a stored process was launched as. */
export const identityOfBundle = (stored: Bundle): LaunchIdentity => ({
  definition: stored.definition.name,
  inputs: stored.rawInputs,
})

/**
 * For a launch or create, {@link checkSameProcess}; a continue names a process, whichever it is,
 * and passes.
 */
export const checkIdentity = (task: LauncherTask, existing: LaunchIdentity): void => {
  if (task.task !== 'continue') checkSameProcess(task, existing)
}
