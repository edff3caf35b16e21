/** Checkpoint errors: typed, naming the process, the tag and the reason. */

/** Why a checkpoint could not be used (or, for 'not-json', taken). */
export type CheckpointProblem =
  | 'not-found'
  | 'unreadable'
  | 'malformed'
  | 'unknown-definition'
  | 'version-mismatch'
  | 'structure-mismatch'
  | 'migration-failed'
  | 'invalid-position'
  | 'not-json'
  | 'cyclic'

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
