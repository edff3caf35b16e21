/**
 * The transactions of a worker's claims and releases (the statements are in `claims.ts`), each
 * sent as one query of several statements, which PostgreSQL runs as one transaction (rolled back
 * whole when one fails):
 *
 * - **A claim looks at the store too.** A launch must know whether its pid already has a
 *   checkpoint (the task came again): the claim and that look are one round trip instead of two.
 *   The look is a statement of its own after the claim, so it reads with a snapshot taken once
 *   the claim holds the row, which waits for the fenced writes in flight of a previous owner: it
 *   sees whatever that owner committed (one statement would read with a snapshot taken before
 *   the wait).
 * - **No commit of its own waits for the disk** (`synchronous_commit` off for these
 *   transactions). A claim is visible to every other session once committed, whether flushed or
 *   not, so it excludes other workers at once; and WAL is flushed in order, so the first
 *   checkpoint a claim guards, committed durably afterwards, flushes the claim with it. A
 *   database crash can only lose a claim with nothing written under it yet: the worker's fenced
 *   writes are then refused and its lease's re-verification reports the claim lost, as for any
 *   claim taken over (the task, never acknowledged, goes back to the queue). A release lost in a
 *   crash leaves a row of this worker's lease, which that re-verification deletes, or which is
 *   free once the lease is dead. So the claim and its first checkpoint cost one flush, and a
 *   release none.
 *
 * Several statements go in one query only through the simple protocol, which takes no
 * parameters: the values go in as literals escaped by the connection (`sql-literals.ts`).
 */
import type pg from 'pg'
import { CLAIM_STATEMENTS as SQL } from './claims.js'
import { sqlLiteral } from './sql-literals.js'

/** What one claim transaction found, by pid. */
export interface ClaimRound {
  /** The pids that the lease holds now. */
  readonly claimed: ReadonlySet<string>
  /** The pids with an untagged checkpoint in the store, read once claimed. */
  readonly stored: ReadonlySet<string>
}

const ASYNC_COMMIT = 'SET LOCAL synchronous_commit TO off'

/** The pids whose untagged checkpoint exists, among `$1`. */
const STORED = `SELECT pid FROM checkpoints WHERE pid = ANY($1::text[]) AND tag_key = ''`

/**
 * Claim `pids` for `lease` (see `CLAIM_STATEMENTS.claim`) and read which have a checkpoint, in
 * one transaction that does not wait for its flush.
 */
export const claimAndLook = async (
  client: pg.Client,
  pids: readonly string[],
  lease: number,
): Promise<ClaimRound> => {
  const values = [sqlLiteral(client, pids), sqlLiteral(client, lease)]
  const text = [ASYNC_COMMIT, inline(SQL.claim, values), inline(STORED, values)].join(';\n')
  const results = (await client.query(text)) as unknown as pg.QueryResult<{ pid: string }>[]
  const rowsOf = (index: number) => (results[index]?.rows ?? []).map((row) => row.pid)
  return { claimed: new Set(rowsOf(1)), stored: new Set(rowsOf(2)) }
}

/** Release the claims of `pids` held by `lease`, in a transaction that does not wait for its flush. */
export const releaseClaims = async (
  client: pg.Client,
  pids: readonly string[],
  lease: number,
): Promise<void> => {
  const values = [sqlLiteral(client, lease), sqlLiteral(client, pids)]
  await client.query([ASYNC_COMMIT, inline(SQL.release, values)].join(';\n'))
}

/** `text` with its parameters `$1`, `$2`, … replaced by `literals` (SQL already escaped). */
const inline = (text: string, literals: readonly string[]): string =>
  text.replace(/\$(\d+)/g, (_, n: string) => {
    const literal = literals[Number(n) - 1]
    if (literal === undefined) throw new Error(`statement parameter $${n} has no value`)
    return literal
  })
