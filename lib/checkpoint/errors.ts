/** Checkpoint errors: typed, naming the process, the tag and the reason. */

/**
 * Why a checkpoint could not be used (or, for 'not-json' and 'too-large', taken). 'cyclic': it
 * waits on itself, or on a process that waits on it; 'not-a-child': it waits on a process that
 * is not its child; 'invalid-inputs': its inputs no longer pass their ports' codecs and
 * validators; 'too-large': what a process keeps nests deeper or is longer than the runner's
 * checkpoint limits.
 */
export type CheckpointProblem =
  | 'not-found'
  | 'unreadable'
  | 'malformed'
  | 'unknown-definition'
  | 'version-mismatch'
  | 'structure-mismatch'
  | 'migration-failed'
  | 'invalid-position'
  | 'invalid-inputs'
  | 'not-json'
  | 'too-large'
  | 'cyclic'
  | 'not-a-child'

/** A checkpoint that cannot be loaded (or taken). Every other checkpoint stays usable. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError'
  constructor(
    readonly problem: CheckpointProblem,
    readonly pid: string | undefined,
    readonly tag: string | undefined,
    readonly reason: string,
    /** The full story when `reason` is a summary (every io-ts decode error, for one). */
    readonly detail?: string,
  ) {
    super(
      `checkpoint ${pid ?? '<unknown pid>'}${tag === undefined ? '' : ` (tag ${tag})`}: ${reason}`,
    )
  }
}
