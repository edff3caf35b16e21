/**
 * Reading processes from the store, for `plumpy-ts list`, `show` and `status`: what each stored
 * process is (definition, state, paused, status), and the detail of one (context, position in
 * its outline, outputs, error). Only reads; never loads code named by the data.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import { findCheckpoint, type Persister } from '../persistence/persister.js'
import type { ProcessDefinition } from '../process/definition.js'
import type { Position } from '../process/position.js'
import { Cursor } from '../workchain/cursor.js'
import type { Block } from '../workchain/outline.js'
import { formatWait, formatWaits, waitsOf, type WaitItem } from '../waits/describe.js'
import { formatKept, inboxSuffix, keptOf, type KeptItem } from '../waits/inbox.js'

/** One stored process, as `list` shows it. */
export interface StoredProcess {
  readonly pid: string
  readonly definition: string
  readonly state: string
  readonly paused: boolean
  readonly status: string | undefined
  /** What it waits for (nothing unless WAITING). */
  readonly waits: readonly WaitItem[]
  /** What it keeps in its inbox (a resume, signals) until it waits for them. */
  readonly inbox: readonly KeptItem[]
  /** Set when the checkpoint cannot be read; the other fields are then placeholders. */
  readonly unreadable?: string
}

/** Every stored process (its untagged checkpoint), by pid. */
export const listStoredProcesses = async (persister: Persister): Promise<StoredProcess[]> => {
  const addresses = (await persister.getCheckpoints()).filter(({ tag }) => tag === undefined)
  const rows: StoredProcess[] = []
  for (const { pid } of addresses) {
    try {
      rows.push(summaryOf(await persister.loadCheckpoint(pid)))
    } catch (error) {
      const reason = error instanceof CheckpointError ? error.reason : String(error)
      rows.push({
        pid,
        definition: '?',
        state: '?',
        paused: false,
        status: undefined,
        waits: [],
        inbox: [],
        unreadable: reason,
      })
    }
  }
  return rows
}

/** The summary of a checkpoint. */
export const summaryOf = (data: Bundle): StoredProcess => ({
  pid: data.pid,
  definition: `${data.definition.name}@${data.definition.version}`,
  state: data.snapshot.state._tag,
  paused: data.snapshot.paused,
  status: data.snapshot.status,
  waits: waitsOf(data.snapshot),
  inbox: keptOf(data.snapshot),
})

/**
 * One line of `list`: pid, definition, state, paused, status, and what it waits for (deadlines
 * relative to `now`, ms since the epoch).
 */
export const formatListLine = (row: StoredProcess, now: number): string =>
  row.unreadable !== undefined
    ? `${row.pid}  ?  UNREADABLE  -  ${row.unreadable}`
    : `${row.pid}  ${row.definition}  ${row.state}  ${row.paused ? 'paused' : '-'}  ` +
      `${row.status ?? '-'}  ${formatWaits(row.waits, now)}${inboxSuffix(row.inbox)}`

/** When the store first and last saved a process (ms since the epoch), as far as it knows. */
export interface StoredTimes {
  readonly created: number | undefined
  readonly modified: number | undefined
}

const utc = (ms: number | undefined): string =>
  ms === undefined ? 'unknown to this store' : `${new Date(ms).toISOString()}`

/** Loads the checkpoint of `pid`, or says plainly that there is none. */
export const loadStoredProcess = async (persister: Persister, pid: string): Promise<Bundle> => {
  const stored = await findCheckpoint(persister, pid)
  if (stored === undefined) throw new UnknownProcessError(pid)
  return stored
}

/** No process with that pid in the store. */
export class UnknownProcessError extends Error {
  override readonly name = 'UnknownProcessError'
  constructor(readonly pid: string) {
    super(`no process ${pid} in the store`)
  }
}

/** What {@link describeStoredProcess} needs besides the checkpoint. */
export interface DescribeOptions {
  /** Now, ms since the epoch: deadlines print relative to it. */
  readonly now: number
  /** The definitions, to print a work chain's position as a place in its outline. */
  readonly registry?: DefinitionRegistry | undefined
  /** When the store saved the process first and last; absent: the lines are left out. */
  readonly times?: StoredTimes | undefined
}

/**
 * The lines of `show`: state, paused, status, parent, created and modified times (when the
 * store knows them), position, what it waits for (deadlines relative to `now`) and keeps in its
 * inbox, context,
 * outputs, and the error or kill message. With `registry`, a work chain's position is printed
 * as `Cursor.format` does (`0:while_(more)(1:collect)`), otherwise as the raw cursor.
 */
export const describeStoredProcess = (
  data: Bundle,
  { now, registry, times }: DescribeOptions,
): string[] => {
  const { snapshot } = data
  const state = snapshot.state
  const definition = registry?.get(data.definition.name)
  const lines = [
    `pid         ${data.pid}`,
    `definition  ${data.definition.name}@${data.definition.version}`,
    `state       ${state._tag}${snapshot.paused ? ' (paused)' : ''}`,
    `status      ${snapshot.status ?? '-'}`,
    `parent      ${data.parentPid ?? '-'}`,
  ]
  if (times !== undefined)
    lines.push(`created     ${utc(times.created)}`, `modified    ${utc(times.modified)}`)
  if ('position' in state) lines.push(`position    ${formatPosition(state.position, definition)}`)
  if (state._tag === 'WAITING') {
    if (state.message !== undefined) lines.push(`waiting     ${state.message}`)
    for (const item of waitsOf(snapshot)) lines.push(`waits for   ${formatWait(item, now)}`)
  }
  const kept = keptOf(snapshot)
  if (kept.length > 0) lines.push(`inbox       ${formatKept(kept)}`)
  lines.push(`context     ${JSON.stringify(snapshot.ctx)}`)
  lines.push(`outputs     ${JSON.stringify(snapshot.outputs)}`)
  if (state._tag === 'FINISHED')
    lines.push(
      `result      ${JSON.stringify(state.result) ?? 'undefined'} (${state.successful ? 'successful' : 'unsuccessful'}, exit status ${state.exitStatus}${state.exitMessage === undefined ? '' : `: ${state.exitMessage}`})`,
    )
  if (state._tag === 'EXCEPTED')
    lines.push(`error       ${state.error.name}: ${state.error.message}`)
  if (state._tag === 'KILLED') lines.push(`killed      ${state.message ?? '(no message)'}`)
  return lines
}

/**
 * A position as `show` prints it: a work chain's place in its outline (`0:while_(more)(1:collect)`)
 * when its definition is known, otherwise the raw cursor; a step with its arguments.
 */
export const formatPosition = (
  position: Position,
  definition: ProcessDefinition | undefined,
): string => {
  const journal =
    position.journal === undefined
      ? ''
      : ` (inside the step, ${position.journal.entries.length} answers)`
  if (position._tag === 'Step')
    return `${position.step}(${position.args.map((arg) => JSON.stringify(arg)).join(', ')})${journal}`
  const outline = (definition as { readonly outline?: Block } | undefined)?.outline
  if (outline === undefined) return `[${position.cursor.join(', ')}]${journal}`
  try {
    return `${Cursor.format(outline, position.cursor)}${journal}`
  } catch {
    return `[${position.cursor.join(', ')}] (does not fit the current outline)${journal}`
  }
}
