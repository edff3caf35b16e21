/**
 * Reading a process: its snapshot and what follows from it (state, outputs, result, failure).
 * The base of the process handle, which adds running it and asking things of it.
 */
import type { ProcessDefinition } from '../process/definition.js'
import { InvalidStateError, KilledError } from '../process/errors.js'
import { isTerminal, type StateName } from '../process/state.js'
import { ProcessLoop } from '../interpreter/loop.js'
import { exceptionOf, resultOf } from './outcome.js'

/**
 * The reading half of a process handle. `O` outputs, `Res` what `result()` gives. It is the
 * process's interpreter loop too (`loop` is the handle itself): one object per live process.
 */
export abstract class ProcessReading<O, Res> extends ProcessLoop<any> {
  abstract readonly definition: ProcessDefinition<any, any, O>
  /** The original error of a failure that happened here (a step's, a hook's, an awaitable's). */
  protected abstract get originalError(): unknown

  /** The interpreter loop: the snapshot and its mailbox (this very object). */
  get loop(): ProcessLoop<any> {
    return this
  }

  get pid(): string {
    return this.loop.snapshot.pid
  }

  /** The definition's name (plumpy's `get_name()`). */
  get name(): string {
    return this.definition.name
  }

  get state(): StateName {
    return this.loop.snapshot.state._tag
  }

  get status(): string | undefined {
    return this.loop.snapshot.status
  }

  get paused(): boolean {
    return this.loop.snapshot.paused
  }

  get ctx(): unknown {
    return this.loop.snapshot.ctx
  }

  get outputs(): Readonly<Partial<O>> {
    return this.loop.snapshot.outputs as Partial<O>
  }

  /** True once FINISHED, EXCEPTED or KILLED. */
  hasTerminated(): boolean {
    return isTerminal(this.loop.snapshot.state)
  }

  /** False unless FINISHED successfully. */
  get isSuccessful(): boolean {
    const state = this.loop.snapshot.state
    return state._tag === 'FINISHED' && state.successful
  }

  /** Whether the process finished successfully; an error before it has terminated. */
  successful(): boolean {
    if (!this.hasTerminated())
      throw new InvalidStateError(`process ${this.pid} has not terminated (it is ${this.state})`)
    return this.isSuccessful
  }

  /** The exit status of a FINISHED process (0 unless an exit code was returned). */
  get exitStatus(): number | undefined {
    const state = this.loop.snapshot.state
    return state._tag === 'FINISHED' ? state.exitStatus : undefined
  }

  get exitMessage(): string | undefined {
    const state = this.loop.snapshot.state
    return state._tag === 'FINISHED' ? state.exitMessage : undefined
  }

  /**
   * The result, typed from the steps (`Stop(x)`, `unsuccessful(x)`, a plain return). Throws
   * `KilledError` if killed, the error if excepted, `InvalidStateError` before the end.
   */
  result(): Res {
    return resultOf(this.pid, this.loop.snapshot.state, this.originalError) as Res
  }

  /** The error of an EXCEPTED process (the original one when it happened here). */
  exception(): Error | undefined {
    return exceptionOf(this.loop.snapshot.state, this.originalError)
  }

  /** Why the process did not finish: `KilledError` when KILLED, the error when EXCEPTED. */
  failure(): Error | undefined {
    const state = this.loop.snapshot.state
    return state._tag === 'KILLED' ? new KilledError(state.message) : this.exception()
  }
}
