/**
 * One process in detail, for its page: what its checkpoint holds (state, status, inputs,
 * outputs, context, result or error, what it waits for and keeps in its inbox), its children as
 * a tree, its outline drawn with the current position, and its history.
 */
import { stampOf, type Bundle } from '../checkpoint/bundle.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import { rowOf, type ProcessRow, type StoredHistoryEntry } from '../persistence/catalog/index.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import type { ProcessState } from '../process/state.js'
import { systemClock } from '../runtime/environment.js'
import { formatWait, waitsOf } from '../waits/describe.js'
import { keptOf } from '../waits/inbox.js'
import { formatPosition } from '../worker/inspect.js'
import { toMermaid } from '../workchain/mermaid.js'
import type { Block } from '../workchain/outline.js'
import { drawOutline, type CurrentPlace } from './outline-drawing.js'
import type { DashboardStore } from './store.js'
import type {
  ChildJson,
  DetailJson,
  DiagramJson,
  HistoryJson,
  KeptJson,
  RowJson,
  WaitingJson,
} from './wire.js'

/** At most this many nodes in a children tree, and this deep. */
const CHILD_BUDGET = 200
const CHILD_DEPTH = 6
/** At most this many history entries: the newest, since a long-lived process's latest matter. */
export const HISTORY_LIMIT = 1000

/** What {@link detailOf} reads from. */
export interface DetailSources {
  readonly store: DashboardStore
  /** The definitions, to draw outlines and name positions; none: no drawings. */
  readonly registry: DefinitionRegistry | undefined
  readonly controllable: boolean
}

/** The detail of `pid`, or undefined when the store has no such process. */
export const detailOf = async (
  sources: DetailSources,
  pid: string,
): Promise<DetailJson | undefined> => {
  const data = await sources.store.loadProcess(pid)
  if (data === undefined) return undefined
  const { snapshot } = data
  const state = snapshot.state
  const definition = sources.registry?.get(data.definition.name)
  const row = (await sources.store.rowOf(pid)) ?? rowOf(data)
  const budget = { left: CHILD_BUDGET }
  const { children, more } = await childrenOf(sources.store, pid, CHILD_DEPTH, budget)
  // One more than is shown, to know whether earlier entries are left out.
  const newest = await sources.store.historyOf(pid, HISTORY_LIMIT + 1)
  const history = newest?.slice(Math.max(0, newest.length - HISTORY_LIMIT))
  return {
    row: rowJson(row),
    inputs: data.inputs,
    outputs: snapshot.outputs,
    ctx: snapshot.ctx,
    ...('position' in state ? { position: formatPosition(state.position, definition) } : {}),
    ...terminalParts(state),
    ...(state._tag === 'WAITING' ? { waiting: waitingOf(snapshot, systemClock()) } : {}),
    ...inboxOf(snapshot),
    children,
    ...(more > 0 ? { moreChildren: more } : {}),
    diagram: diagramOf(data, sources.registry),
    ...(history === undefined ? {} : { history: history.map(historyJson) }),
    ...(newest !== undefined && newest.length > HISTORY_LIMIT ? { earlierHistory: true } : {}),
    controllable: sources.controllable,
  }
}

/** What the inbox keeps, as a field of the detail (none when it keeps nothing). */
const inboxOf = (snapshot: ProcessSnapshot): { readonly inbox?: readonly KeptJson[] } => {
  const kept = keptOf(snapshot)
  return kept.length === 0 ? {} : { inbox: kept }
}

/** A listing row as JSON (absent fields left out). */
export const rowJson = (row: ProcessRow): RowJson => ({
  pid: row.pid,
  definition: row.definition,
  state: row.state,
  paused: row.paused,
  ...(row.version === undefined ? {} : { version: row.version }),
  ...(row.status === undefined ? {} : { status: row.status }),
  ...(row.parent === undefined ? {} : { parent: row.parent }),
  ...(row.created === undefined ? {} : { created: row.created }),
  ...(row.modified === undefined ? {} : { modified: row.modified }),
  ...(row.unreadable === undefined ? {} : { unreadable: row.unreadable }),
})

const terminalParts = (state: ProcessState): Partial<DetailJson> => {
  switch (state._tag) {
    case 'FINISHED':
      return {
        result: {
          value: state.result,
          successful: state.successful,
          exitStatus: state.exitStatus,
          ...(state.exitMessage === undefined ? {} : { exitMessage: state.exitMessage }),
        },
      }
    case 'EXCEPTED':
      return { error: state.error }
    case 'KILLED':
      return { killed: state.message === undefined ? {} : { message: state.message } }
    case 'CREATED':
    case 'RUNNING':
    case 'WAITING':
      return {}
  }
}

/** What a WAITING snapshot waits for, as `show` prints it (deadlines relative to `now`). */
const waitingOf = (snapshot: ProcessSnapshot, now: number): WaitingJson => {
  const state = snapshot.state
  return {
    ...(state._tag === 'WAITING' && state.message !== undefined ? { message: state.message } : {}),
    waits: waitsOf(snapshot).map((item) => ({
      text: formatWait(item, now),
      ...(item.kind === 'child' ? { child: item.pid } : {}),
    })),
  }
}

/** Children of `pid`, depth first, within the budget of nodes; `more`: those left out here. */
const childrenOf = async (
  store: DashboardStore,
  pid: string,
  depth: number,
  budget: { left: number },
): Promise<{ children: ChildJson[]; more: number }> => {
  if (depth === 0 || budget.left <= 0) {
    const { total } = await store.listProcesses({ parent: pid, limit: 0 })
    return { children: [], more: total }
  }
  const page = await store.listProcesses({ parent: pid, limit: budget.left, order: 'asc' })
  budget.left -= page.rows.length
  const children: ChildJson[] = []
  for (const row of page.rows) {
    const inner = await childrenOf(store, row.pid, depth - 1, budget)
    children.push({
      pid: row.pid,
      definition: row.definition,
      state: row.state,
      paused: row.paused,
      ...(row.status === undefined ? {} : { status: row.status }),
      children: inner.children,
      ...(inner.more > 0 ? { more: inner.more } : {}),
    })
  }
  return { children, more: page.total - page.rows.length }
}

const diagramOf = (data: Bundle, registry: DefinitionRegistry | undefined): DiagramJson => {
  const name = data.definition.name
  if (registry === undefined)
    return unavailable('start the dashboard with --definitions <module> to draw outlines')
  const definition = registry.get(name)
  if (definition === undefined) return unavailable(`--definitions has no definition named ${name}`)
  const outline = (definition as { readonly outline?: Block }).outline
  if (definition.kind !== 'workchain' || outline === undefined)
    return unavailable(`${name} is a process of steps: it has no outline to draw`)
  const { svg, highlighted } = drawOutline(outline, currentPlace(data.snapshot.state))
  const stamp = stampOf(definition)
  const changed = stamp.version !== data.definition.version || stamp.hash !== data.definition.hash
  return {
    _tag: 'Drawn',
    svg,
    mermaid: toMermaid({ name, outline }),
    highlighted,
    ...(changed
      ? {
          warning:
            `drawn from ${name}@${stamp.version} as loaded now; the checkpoint was written by ` +
            `${name}@${data.definition.version} with another outline`,
        }
      : {}),
  }
}

const unavailable = (reason: string): DiagramJson => ({ _tag: 'Unavailable', reason })

const currentPlace = (state: ProcessState): CurrentPlace => {
  if ('position' in state && state.position._tag === 'Outline')
    return { _tag: 'Cursor', cursor: state.position.cursor }
  return state._tag === 'FINISHED' ? { _tag: 'End' } : { _tag: 'None' }
}

const historyJson = (entry: StoredHistoryEntry): HistoryJson => ({
  seq: entry.seq,
  at: entry.at,
  kind: entry.kind,
  from: entry.from,
  to: entry.to,
  ...(entry.step === undefined ? {} : { step: entry.step }),
  ...(entry.durationMs === undefined ? {} : { durationMs: entry.durationMs }),
  ...(entry.status === undefined ? {} : { status: entry.status }),
})
