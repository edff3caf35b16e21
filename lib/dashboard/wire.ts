/**
 * The dashboard's JSON API, as the server sends it and the page reads it (the page's scripts
 * import these types for their checks; nothing here runs).
 */
import type { StateName } from '../process/state.js'

/** One process in the table. Times are milliseconds since the epoch. */
export interface RowJson {
  readonly pid: string
  readonly definition: string
  readonly version?: number
  /** Its state, or '?' when its checkpoint cannot be read (see `unreadable`). */
  readonly state: StateName | '?'
  readonly paused: boolean
  readonly status?: string
  readonly parent?: string
  readonly created?: number
  readonly modified?: number
  readonly unreadable?: string
}

/** `GET /api/processes`: a page of the table, the total that match, and counts per state. */
export interface ListJson {
  readonly rows: readonly RowJson[]
  readonly total: number
  readonly offset: number
  readonly limit: number
  /** Per state, how many match every filter but the state filter. */
  readonly counts: Readonly<Record<StateName, number>>
}

/** A child in the process page's tree. */
export interface ChildJson {
  readonly pid: string
  readonly definition: string
  readonly state: StateName | '?'
  readonly paused: boolean
  readonly status?: string
  readonly children: readonly ChildJson[]
  /** Set when this node has more children than are shown. */
  readonly more?: number
}

/** What a WAITING process waits for. */
export interface WaitingJson {
  readonly message?: string
  /** What is still awaited, as `formatWait` prints it; a child's pid too, to link to it. */
  readonly waits: readonly { readonly text: string; readonly child?: string }[]
}

/** One thing an inbox keeps: a resume (the signal without a name), or a signal by name. */
export type KeptJson =
  | { readonly kind: 'resume' }
  | { readonly kind: 'signal'; readonly name: string }

/** A work chain's outline, drawn, or why it is not. */
export type DiagramJson =
  | {
      readonly _tag: 'Drawn'
      /** An SVG document of the outline; the current position carries the class `current`. */
      readonly svg: string
      /** The same outline as `toMermaid` writes it. */
      readonly mermaid: string
      /** Whether a node of the drawing is the current position. */
      readonly highlighted: boolean
      /** Set when the definition loaded is not the one that stored the checkpoint. */
      readonly warning?: string
    }
  | { readonly _tag: 'Unavailable'; readonly reason: string }

/** One history entry, with its duration (the time spent in the state it left). */
export interface HistoryJson {
  readonly seq: number
  readonly at: number
  readonly kind: 'transition' | 'paused' | 'played'
  readonly from: StateName | null
  readonly to: StateName
  readonly step?: string
  readonly durationMs?: number
  readonly status?: string
}

/** `GET /api/processes/<pid>`: one process in detail. */
export interface DetailJson {
  readonly row: RowJson
  readonly inputs: unknown
  readonly outputs: unknown
  readonly ctx: unknown
  /** Where it is: `0:while_(more)(1:collect)`, a step with its arguments, or absent (terminal). */
  readonly position?: string
  readonly result?: {
    readonly value: unknown
    readonly successful: boolean
    readonly exitStatus: number
    readonly exitMessage?: string
  }
  readonly error?: { readonly name: string; readonly message: string; readonly stack?: string }
  readonly killed?: { readonly message?: string }
  readonly waiting?: WaitingJson
  /** What its inbox keeps, oldest first, payloads left out; absent when it keeps nothing. */
  readonly inbox?: readonly KeptJson[]
  readonly children: readonly ChildJson[]
  /** Set when the process has more children than are shown. */
  readonly moreChildren?: number
  readonly diagram: DiagramJson
  /** The newest entries, oldest first; absent when the store keeps no history. */
  readonly history?: readonly HistoryJson[]
  /** Set when older entries than those in `history` are kept (`plumpy-ts report` prints all). */
  readonly earlierHistory?: true
  /** Whether pause, play, kill, signals and resumes can be sent (the dashboard has a broker). */
  readonly controllable: boolean
}

/** `POST /api/processes/<pid>/<action>`: what the worker answered. */
export interface ControlJson {
  readonly action: 'pause' | 'play' | 'kill' | 'signal' | 'resume'
  readonly pid: string
  /** True when done (or to be done after the running step); false when refused. */
  readonly ok: boolean
  readonly message: string
}

/** `GET /api/events`, `event: paused`: a process was paused or played (its state unchanged). */
export interface PauseChangeJson {
  readonly pid: string
  readonly paused: boolean
}

/** `GET /api/events`, `event: state`: a process changed state. */
export interface StateChangeJson {
  readonly pid: string
  readonly from: StateName | null
  readonly to: StateName
}

/** Any error answer of the API (4xx, 5xx). */
export interface ErrorJson {
  readonly error: string
}
