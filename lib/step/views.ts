/**
 * The read-only views a process's steps receive. One view serves every step that has the same
 * arguments and status text (most steps of a run), so a step allocates none.
 */
import type { StepView } from '../process/view.js'

/** The views of one process. */
export class StepViews {
  private last: StepView | undefined = undefined

  constructor(
    readonly pid: string,
    readonly name: string,
    readonly inputs: unknown,
  ) {}

  /** The view for a step with these arguments, the status text being `status`. */
  at(args: readonly unknown[], status: string | undefined): StepView {
    const last = this.last
    if (last !== undefined && last.args === args && last.status === status) return last
    const view: StepView = Object.freeze({
      inputs: this.inputs,
      pid: this.pid,
      name: this.name,
      state: 'RUNNING',
      args,
      status,
    })
    this.last = view
    return view
  }
}
