/**
 * Durability modes: how far a checkpointing runner lets its processes run ahead of the commits of
 * their checkpoints, and so what a crash (SIGKILL, power cut of the process) can lose.
 *
 * - `strict`: no step starts before the checkpoint taken before it is committed, and a process
 *   counts as ended (`execute()` resolves, a parent awaiting it goes on, a worker answers) only
 *   once its last checkpoint is committed. A crash loses at most the step that was running: it
 *   runs again, once, from the last committed checkpoint.
 * - `batched`: steps run on while their checkpoints are written behind them (a process's saves
 *   waiting for the store are merged into one), but a process counts as ended only once its last
 *   checkpoint is committed. A crash can lose the steps run since the last commit (they run
 *   again); an outcome that was reported is never lost.
 * - `async`: checkpoints are written behind the steps, and `execute()` may resolve before the
 *   last one is committed (`runner.flush()` waits for them). A crash can lose any tail of steps,
 *   the end of a process included, even after its outcome was reported.
 *
 * A checkpoint that is not committed and will not be (the store refused it, a plugin's commit
 * failed) is reported as a `CheckpointNotCommittedError`: on a `strict` host before the next
 * step (the process fails there, a checkpoint a step asked for included), and on a `strict` or
 * `batched` host at the end, in place of the outcome (`execute()` rejects, a parent awaiting it
 * sees it fail, a worker answers it), and in place of `true` in the answer to a signal, resume,
 * pause, play or kill sent over a communicator, which waits for that commit.
 */

/** A durability mode (see the module comment). */
export type Durability = 'strict' | 'batched' | 'async'

/** Every durability mode, strongest first. */
export const DURABILITIES: readonly Durability[] = ['strict', 'batched', 'async']

/** Whether `text` names a durability mode. */
export const isDurability = (text: string): text is Durability =>
  (DURABILITIES as readonly string[]).includes(text)

/** The mode named by `text`; a `RangeError` naming `where` and the modes otherwise. */
export const parseDurability = (text: string, where: string): Durability => {
  if (isDurability(text)) return text
  throw new RangeError(`${where}: unknown durability '${text}' (one of ${DURABILITIES.join(', ')})`)
}

/** Whether a process of a host in `mode` counts as ended only once its last checkpoint commits. */
export const endsWhenCommitted = (mode: Durability | undefined): boolean =>
  mode === 'strict' || mode === 'batched'
