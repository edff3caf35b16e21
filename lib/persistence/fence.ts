/**
 * Fenced writes: a checkpoint write that commits only while its writer still holds the claim of
 * the process's tree. A worker whose claim another worker took over (its lease died while it
 * lived: a network partition, a pause longer than its lease) can then never overwrite a
 * checkpoint that the other worker now writes; its write is refused with {@link FencedOutError}.
 */

/** Who may write: the lease that must hold the claim of `root` (the tree's root pid). */
export interface WriteFence {
  /** The writer's lease (a worker's, see `PostgresOwnership`). */
  readonly lease: number
  /** The root pid of the tree the process belongs to: the pid that is claimed. */
  readonly root: string
}

/** A fenced write refused: the writer no longer holds the claim of the process's tree. */
export class FencedOutError extends Error {
  override readonly name = 'FencedOutError'
  constructor(
    readonly pid: string,
    readonly fence: WriteFence,
  ) {
    super(
      `checkpoint of ${pid} not written: lease ${fence.lease} no longer holds the claim of ` +
        `${fence.root === pid ? 'it' : `its tree ${fence.root}`} (another worker took it over)`,
    )
  }
}
