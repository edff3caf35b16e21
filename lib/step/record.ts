/**
 * What one step records as it runs: the outputs it emits, its log lines, the checkpoints and the
 * pause or kill it asks for. Instant commands are answered here, inside the step; the record
 * becomes the step's deeds, which its transition applies.
 */
import type { InstantCommand } from '../commands/instant.js'
import type { EmittedOutput, StepDeeds, StepLogLine } from '../process/events.js'
import { OutputError } from './errors.js'
import type { Either } from 'fp-ts/lib/Either.js'

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

/** A kill by force asked for inside the step: the step ends there. */
export interface ForcedKill {
  readonly message: string | undefined
}

/** The record of one step. Most steps record nothing, and then cost nothing here. */
export class StepRecord {
  private emitted: EmittedOutput[] | undefined = undefined
  private logs: StepLogLine[] | undefined = undefined
  private checkpoints: (string | undefined)[] | undefined = undefined
  private pause: { readonly message: string | undefined } | undefined = undefined
  private kill: { readonly message: string | undefined } | undefined = undefined
  /** While a generator replays its journal, what it does again is not reported twice. */
  replaying = false

  constructor(
    /** Every output so far (those of earlier steps included), frozen. */
    public outputs: Readonly<Record<string, unknown>>,
    private readonly ports: OutputPorts,
  ) {}

  /** Answer an instant command; a kill by force is returned, for the step to end there. */
  answer(command: InstantCommand): ForcedKill | undefined {
    switch (command._tag) {
      case 'Out':
        this.emit(command.port, command.value)
        return undefined
      case 'Log':
        if (!this.replaying)
          (this.logs ??= []).push({ level: command.level, message: command.message })
        return undefined
      case 'Checkpoint':
        if (!this.replaying) (this.checkpoints ??= []).push(command.tag)
        return undefined
      case 'RequestPause':
        if (!this.replaying) this.pause ??= { message: command.message }
        return undefined
      case 'RequestPlay':
        if (!this.replaying) this.pause = undefined
        return undefined
      case 'RequestKill':
        if (this.replaying) return undefined
        if (command.force) return { message: command.message }
        this.kill ??= { message: command.message }
        return undefined
      default:
        return command satisfies never
    }
  }

  /** Warnings about the step call (not repeated while a journal replays). */
  warn(messages: readonly string[]): void {
    if (this.replaying) return
    const logs = (this.logs ??= [])
    for (const message of messages) logs.push({ level: 'warn', message })
  }

  /** What the step did besides its outcome; undefined when nothing (most steps). */
  deeds(step: string | undefined): StepDeeds | undefined {
    if (
      this.emitted === undefined &&
      this.logs === undefined &&
      this.checkpoints === undefined &&
      this.pause === undefined &&
      this.kill === undefined
    )
      return undefined
    return {
      step,
      emitted: this.emitted ?? NONE,
      logs: this.logs ?? NONE,
      checkpoints: this.checkpoints ?? NONE,
      pause: this.pause,
      kill: this.kill,
    }
  }

  /** The deeds of a step killed by force: only its log lines survive it. */
  forcedDeeds(step: string | undefined): StepDeeds | undefined {
    if (this.logs === undefined) return undefined
    return {
      step,
      emitted: NONE,
      logs: this.logs,
      checkpoints: NONE,
      pause: undefined,
      kill: undefined,
    }
  }

  private emit(port: string, value: unknown): void {
    const checked = this.ports.checkOutput(port, value)
    if (checked._tag === 'Left')
      throw new OutputError(port, checked.left.map((e) => `${e.path}: ${e.message}`).join('; '))
    this.outputs = port.includes('.')
      ? setPath(this.outputs, port.split('.'), value)
      : Object.freeze({ ...this.outputs, [port]: deepFreeze(value) })
    if (this.replaying) return
    const emitted = { port, value, dynamic: checked.right.dynamic }
    // A literal for the first: `[]` grown by a push would hold room for sixteen.
    if (this.emitted === undefined) this.emitted = [emitted]
    else this.emitted.push(emitted)
  }
}

const NONE: readonly never[] = Object.freeze([])

/** Set `value` at a dotted path in a frozen tree, copying only the objects on the path. */
const setPath = (
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
