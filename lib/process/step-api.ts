/**
 * What a step function receives besides its context draft: its inputs, a way to emit outputs and
 * register awaitables, and the process controls. One object per process is reused for every step.
 */
import type { AwaitableLike, Appended } from './awaitables.js'
import type { ToContextEntry } from './commands.js'
import { ToContext } from './commands.js'
import type { EmittedOutput } from './events.js'
import type { StateName } from './state.js'
import type { Either } from 'fp-ts/lib/Either.js'

/** Pause, play and kill, as the host (runner or test driver) provides them to steps. */
export interface ProcessControls {
  pause(message?: string): boolean | PromiseLike<boolean>
  play(): boolean
  kill(message?: string, options?: { readonly force?: boolean }): boolean | PromiseLike<boolean>
}

/**
 * The second argument of every step. `I` is the parsed inputs type, `P` the union of output
 * paths and `V` maps a path to its value type.
 */
export interface StepApi<I = any, P extends string = string, V = any> extends ProcessControls {
  /** Parsed, deeply frozen inputs. */
  readonly inputs: I
  readonly pid: string
  /** The definition's name (plumpy's `get_name()`). */
  readonly name: string
  /** The state the process is in while the step runs (RUNNING, unless killed by force). */
  readonly state: StateName
  /** The arguments of the `Continue` that led here, or `[value]` after `resume(value)`. */
  readonly args: readonly unknown[]
  /** The status text. */
  readonly status: string | undefined
  /** Emit an output; it is validated against the spec at once (an invalid one fails the step). */
  out<K extends P>(port: K, value: OutputValueAt<V, K>): void
  /** Register awaitables under context keys; the process waits for them after the step. */
  toContext(awaitables: Readonly<Record<string, AwaitableLike | Appended>>): void
  /**
   * Ask for a checkpoint under `tag` once this step's transition has applied (plumpy's
   * `persister.save_checkpoint(self, tag)` from inside a step). Needs a runner with a persister.
   */
  checkpoint(tag?: string): void
}

/** The value type at an output path, given a map from paths to value types. */
export type OutputValueAt<V, K> = K extends keyof V ? V[K] : unknown

/** The output ports of a definition, as `out` checks a value against them. */
export interface OutputPorts {
  checkOutput(
    port: string,
    value: unknown,
  ): Either<
    readonly { readonly path: string; readonly message: string }[],
    { readonly dynamic: boolean }
  >
}

/** What one step recorded: outputs (with their new whole object) and awaitables. */
export interface StepRecord {
  outputs: Readonly<Record<string, unknown>>
  emitted: EmittedOutput[]
  entries: ToContextEntry[]
  /** Checkpoints asked for, by tag (undefined: the untagged one). */
  checkpoints: (string | undefined)[]
  /** While replaying a journal, outputs are set again but not reported a second time. */
  replaying: boolean
}

/**
 * The mutable per-process step API: the host updates its fields before each step.
 *
 * Steps may destructure the functions (`run(ctx, { inputs, out })`), so each is a closure bound
 * to this object; they are made on first use, since most steps touch one or two of them and a
 * process that makes all six pays for them in B2's and B5's figures.
 */
export class MutableStepApi implements StepApi {
  state: StateName = 'CREATED'
  args: readonly unknown[] = []
  status: string | undefined = undefined
  record: StepRecord | undefined = undefined
  private bound: BoundControls | undefined = undefined

  constructor(
    readonly pid: string,
    readonly name: string,
    readonly inputs: unknown,
    private readonly outputs: OutputPorts,
    private readonly controls: ProcessControls,
  ) {}

  get out(): (port: string, value: unknown) => void {
    return (this.boundControls().out ??= (port, value) => this.emit(port, value))
  }

  get toContext(): (awaitables: Readonly<Record<string, AwaitableLike | Appended>>) => void {
    return (this.boundControls().toContext ??= (awaitables) => {
      this.activeRecord('toContext').entries.push(...ToContext(awaitables).entries)
    })
  }

  get checkpoint(): (tag?: string) => void {
    return (this.boundControls().checkpoint ??= (tag) => {
      const record = this.activeRecord('checkpoint')
      if (!record.replaying) record.checkpoints.push(tag)
    })
  }

  get pause(): ProcessControls['pause'] {
    return (this.boundControls().pause ??= (message) => this.controls.pause(message))
  }

  get play(): ProcessControls['play'] {
    return (this.boundControls().play ??= () => this.controls.play())
  }

  get kill(): ProcessControls['kill'] {
    return (this.boundControls().kill ??= (message, options) =>
      this.controls.kill(message, options))
  }

  private emit(port: string, value: unknown): void {
    const record = this.activeRecord('out')
    const checked = this.outputs.checkOutput(port, value)
    if (checked._tag === 'Left') {
      throw new OutputError(port, checked.left.map((e) => `${e.path}: ${e.message}`).join('; '))
    }
    record.outputs = setPath(record.outputs, port.split('.'), value)
    if (!record.replaying) record.emitted.push({ port, value, dynamic: checked.right.dynamic })
  }

  private boundControls(): BoundControls {
    return (this.bound ??= {
      out: undefined,
      toContext: undefined,
      checkpoint: undefined,
      pause: undefined,
      play: undefined,
      kill: undefined,
    })
  }

  private activeRecord(what: string): StepRecord {
    if (this.record === undefined) throw new Error(`${what}() can only be called while a step runs`)
    return this.record
  }
}

interface BoundControls {
  out: ((port: string, value: unknown) => void) | undefined
  toContext: ((awaitables: Readonly<Record<string, AwaitableLike | Appended>>) => void) | undefined
  checkpoint: ((tag?: string) => void) | undefined
  pause: ProcessControls['pause'] | undefined
  play: ProcessControls['play'] | undefined
  kill: ProcessControls['kill'] | undefined
}

/** An output that does not fit its port: the step fails and the process becomes EXCEPTED. */
export class OutputError extends Error {
  override readonly name = 'OutputError'
  constructor(
    readonly port: string,
    reason: string,
  ) {
    super(`invalid output '${port}': ${reason}`)
  }
}

/** Set `value` at a dotted path in a frozen tree, copying only the objects on the path. */
export const setPath = (
  tree: Readonly<Record<string, unknown>>,
  path: readonly string[],
  value: unknown,
): Readonly<Record<string, unknown>> => {
  const [head, ...rest] = path
  if (head === undefined) return tree
  const child = tree[head]
  const nextValue =
    rest.length === 0
      ? deepFreeze(value)
      : setPath(
          typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {},
          rest,
          value,
        )
  return Object.freeze({ ...tree, [head]: nextValue })
}

const deepFreeze = (value: unknown): unknown => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
