/**
 * The statements of workers' claims (see `lib/worker/postgres-ownership.ts` for the design and
 * why it is not one advisory lock per process). Tables are created with the checkpoints (see
 * `schema.ts`):
 *
 * - `worker_leases (id, name, locked_at, expires_at)`: one row per running worker. It is alive
 *   while its worker's session holds `pg_advisory_lock(LEASE_LOCK_CLASS, id)`, and, after a
 *   server restart ended every session, until `expires_at`, which its worker renews.
 * - `process_claims (pid, lease)`: one row per root process that a worker runs (children run with
 *   their root and are covered by its claim). `lease` NULL: handed back by a worker that stopped.
 *
 * Every statement names its parameters by position; durations are milliseconds. A statement
 * that changes several claim rows takes their locks in pid order (see `lock-order.ts`), the
 * order in which a group-committed batch of fenced saves share-locks them too.
 */
import { LEASE_LOCK_CLASS } from './schema.js'

const TTL = `now() + make_interval(secs => $3::integer / 1000.0)`

/** Whether the claim row `c` is held by no live lease (dead or handed back). */
const UNHELD = `(c.lease IS NULL OR c.lease NOT IN (SELECT id FROM live_worker_leases))`

/**
 * `locked`: the pids of the claim rows `c` matching `where`, locked in pid order before the
 * statement changes them (its own scan would take them in whatever order its plan reads them).
 */
const lockedInPidOrder = (where: string) => `
  locked AS MATERIALIZED (
    SELECT c.pid FROM process_claims c WHERE ${where} ORDER BY c.pid FOR UPDATE OF c)`

export const CLAIM_STATEMENTS = {
  /** A new lease for worker `$1`, expiring in `$2` ms; not locked yet. */
  openLease: `
    INSERT INTO worker_leases (name, expires_at)
    VALUES ($1::text, now() + make_interval(secs => $2::integer / 1000.0))
    RETURNING id`,
  /** Take the lease lock on this session: `locked` false when another session holds it. */
  lockLease: `SELECT pg_try_advisory_lock(${LEASE_LOCK_CLASS}, $1::integer) AS locked`,
  /**
   * The lease lock is (again) held by this session: the row records when, and comes back if it
   * was reaped meanwhile.
   */
  markLocked: `
    INSERT INTO worker_leases AS l (id, name, locked_at, expires_at)
    VALUES ($1::integer, $2::text, now(), ${TTL})
    ON CONFLICT (id) DO UPDATE SET locked_at = now(), expires_at = excluded.expires_at`,
  /** Push the lease's expiry on (it matters only across a server restart, see above). */
  renew: `
    INSERT INTO worker_leases AS l (id, name, locked_at, expires_at)
    VALUES ($1::integer, $2::text, now(), ${TTL})
    ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
  /** The backend holding the lease lock, other than this one (a session not yet ended). */
  lockHolder: `
    SELECT k.pid FROM pg_locks k
    WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 2
      AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND k.classid = ${LEASE_LOCK_CLASS}::oid AND k.objid = $1::integer::oid
      AND k.pid <> pg_backend_pid()`,
  terminate: `SELECT pg_terminate_backend($1::integer) AS ended`,
  /**
   * Claim the pids `$1` for lease `$2`: each row returned is a pid that `$2` holds now (it was
   * free, handed back, held by a dead lease, or `$2`'s already). The row lock of ON CONFLICT
   * waits for fenced writes in flight (they share-lock the row), so a takeover sees them.
   */
  claim: `
    INSERT INTO process_claims AS c (pid, lease)
    SELECT u.pid, $2::integer FROM unnest($1::text[]) AS u(pid) ORDER BY u.pid COLLATE "C"
    ON CONFLICT (pid) DO UPDATE SET lease = excluded.lease
    WHERE c.lease = excluded.lease OR ${UNHELD}
    RETURNING c.pid`,
  /**
   * Claim for lease `$3` up to `$2` processes of the deadline index due at `$1` (ms since the
   * epoch, by the claimant's clock) that no live worker holds, earliest first. It locks claim
   * rows only, in pid order, never the deadline rows: a fenced save locks its claim and then
   * writes its deadline row, so a claimant holding deadline rows while it waits for a claim would
   * deadlock with it (see `lock-order.ts`). Claimants looking at once aim at the same earliest
   * rows; the claim's own condition (as in `claim`) is checked again under the claim row's lock,
   * so one wins each and the others get it back unclaimed (`due` counts what was aimed at).
   */
  claimDue: `
    WITH due AS MATERIALIZED (
      SELECT d.pid FROM process_deadlines d
      WHERE d.deadline <= $1::bigint AND NOT EXISTS (
        SELECT 1 FROM process_claims c
        WHERE c.pid = d.pid AND c.lease IN (SELECT id FROM live_worker_leases))
      ORDER BY d.deadline, d.pid LIMIT $2::integer
    )
    , claimed AS (
      INSERT INTO process_claims AS c (pid, lease)
      SELECT pid, $3::integer FROM due ORDER BY pid
      ON CONFLICT (pid) DO UPDATE SET lease = excluded.lease
      WHERE c.lease = excluded.lease OR ${UNHELD}
      RETURNING c.pid)
    SELECT (SELECT count(*) FROM due)::integer AS due,
      coalesce((SELECT array_agg(pid) FROM claimed), '{}') AS pids`,
  /** The processes of lease `$1` with pids `$2` have ended: forget their claims. */
  release: `
    WITH ${lockedInPidOrder('c.lease = $1::integer AND c.pid = ANY($2::text[])')}
    DELETE FROM process_claims c USING locked WHERE c.pid = locked.pid`,
  /** Every claim of lease `$1`. */
  held: `SELECT pid FROM process_claims WHERE lease = $1::integer`,
  /** Lease `$1` stops: its claims are handed back (free for any worker at once). */
  handBack: `
    WITH ${lockedInPidOrder('c.lease = $1::integer')}
    UPDATE process_claims c SET lease = NULL FROM locked WHERE c.pid = locked.pid`,
  closeLease: `DELETE FROM worker_leases WHERE id = $1::integer`,
  /** The name of the live worker holding `$1`, if any. */
  ownerOf: `
    SELECT v.name FROM process_claims c JOIN live_worker_leases v ON v.id = c.lease
    WHERE c.pid = $1::text`,
  /**
   * Claims no live worker holds whose process is over or gone: nothing to continue there.
   * (A worker that died between a process's last checkpoint and its release leaves one.)
   */
  dropSettled: `
    WITH ${lockedInPidOrder(`${UNHELD} AND NOT EXISTS (
      SELECT 1 FROM checkpoints k
      WHERE k.pid = c.pid AND k.tag_key = '' AND k.state NOT IN ('FINISHED', 'EXCEPTED', 'KILLED'))`)}
    DELETE FROM process_claims c USING locked WHERE c.pid = locked.pid`,
  /** Up to `$1` pids of stored, non-terminal processes that a worker ran and none holds now. */
  unheld: `SELECT c.pid FROM process_claims c WHERE ${UNHELD} ORDER BY random() LIMIT $1::integer`,
  /** Leases dead for a day and holding nothing. */
  reapLeases: `
    DELETE FROM worker_leases l
    WHERE l.expires_at < now() - interval '1 day'
      AND l.id NOT IN (SELECT id FROM live_worker_leases)
      AND NOT EXISTS (SELECT 1 FROM process_claims c WHERE c.lease = l.id)`,
} as const
