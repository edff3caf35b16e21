/**
 * What the database says happened. A trigger on the checkpoint table records every committed
 * checkpoint write (a row exists exactly when the writer's transaction committed) with the
 * server's clock, reduced to what the soak's checks need: the state, a pipeline's rounds done
 * (`ctx.i`) and a `Work`'s inputs. Unlike the worker specs' history (spec/worker/harness.ts),
 * no body is copied: a run writes hundreds of thousands of checkpoints.
 */
import pg from 'pg'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { OWNER_APPLICATION_PREFIX } from '../../lib/worker/ownership.js'

/** A connection, or a pool of them. */
type Queryable = pg.ClientBase | pg.Pool

/** Runs `use` on a client of its own, closed afterwards. */
export const withClient = async <T>(url: string, use: (client: pg.Client) => Promise<T>) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** Creates the checkpoint tables and the commit history with its trigger. */
export const prepareCommitHistory = async (url: string): Promise<void> => {
  const persister = new PostgresPersister({ connectionString: url })
  await persister.ensureSchema()
  await persister.close()
  await withClient(url, (client) =>
    client.query(`
      CREATE TABLE soak_commits (
        seq BIGSERIAL PRIMARY KEY, pid TEXT NOT NULL, state TEXT, parent TEXT, round INT,
        work_of TEXT, work_index INT, writer TEXT NOT NULL,
        at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
      CREATE FUNCTION soak_record_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE body JSONB := NEW.body::jsonb;
      BEGIN
        INSERT INTO soak_commits (pid, state, parent, round, work_of, work_index, writer)
        VALUES (NEW.pid, NEW.state, NEW.parent, (body->'ctx'->>'i')::int,
                body->'inputs'->>'pipeline', (body->'inputs'->>'index')::int,
                current_setting('application_name'));
        RETURN NEW;
      END $$;
      CREATE TRIGGER soak_commits AFTER INSERT OR UPDATE ON checkpoints
        FOR EACH ROW WHEN (NEW.tag_key = '') EXECUTE FUNCTION soak_record_commit();`),
  )
}

const TERMINAL = `('FINISHED', 'EXCEPTED', 'KILLED')`

/** What the store holds now, for the progress line. */
export interface Progress {
  /** Roots (processes without a parent) ended, in any terminal state. */
  readonly endedRoots: number
  /** Processes FINISHED, children included. */
  readonly finished: number
}

/** Counts ended roots and finished processes (one scan of the checkpoint table). */
export const progressOf = async (client: Queryable): Promise<Progress> => {
  const { rows } = await client.query<{ roots: string; finished: string }>(
    `SELECT count(*) FILTER (WHERE parent IS NULL AND state IN ${TERMINAL}) AS roots,
            count(*) FILTER (WHERE state = 'FINISHED') AS finished
     FROM checkpoints WHERE tag_key = ''`,
  )
  return { endedRoots: Number(rows[0]?.roots), finished: Number(rows[0]?.finished) }
}

/** Advisory locks held on the whole server now. */
export const advisoryLocks = async (client: Queryable): Promise<number> => {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'`,
  )
  return Number(rows[0]?.n)
}

/** A stored root: its state and outputs. */
export interface StoredRoot {
  readonly state: string
  readonly outputs: Readonly<Record<string, unknown>> | null
}

/** Every stored root, by pid. */
export const storedRoots = async (client: Queryable): Promise<Map<string, StoredRoot>> => {
  const { rows } = await client.query<{ pid: string } & StoredRoot>(
    `SELECT pid, state, body::jsonb->'outputs' AS outputs FROM checkpoints
     WHERE tag_key = '' AND parent IS NULL`,
  )
  return new Map(rows.map((row) => [row.pid, { state: row.state, outputs: row.outputs }]))
}

/** What the store holds at the end, beside the roots. */
export interface StoreTally {
  /** Stored processes by state, children included. */
  readonly byState: ReadonlyMap<string, number>
  /** Children not ended: left CREATED by a step that ran again (orphans). */
  readonly liveChildren: number
  /** Processes committed at some time and no longer stored: orphans the workers pruned. */
  readonly pruned: number
  /** Claim rows still held. */
  readonly claims: number
  /**
   * Processes whose terminal checkpoint was committed more than once, each with its terminal
   * commits (`FINISHED by w2 at 12:00:01.234`).
   */
  readonly endedTwice: readonly string[]
  /** Committed checkpoint writes in all. */
  readonly commits: number
}

/** Counts what the store holds. */
export const tallyStore = async (client: Queryable): Promise<StoreTally> => {
  const count = async (text: string) => Number((await client.query<{ n: string }>(text)).rows[0]?.n)
  const { rows } = await client.query<{ state: string; n: string }>(
    `SELECT state, count(*) AS n FROM checkpoints WHERE tag_key = '' GROUP BY state`,
  )
  return {
    byState: new Map(rows.map((row) => [row.state, Number(row.n)])),
    liveChildren: await count(
      `SELECT count(*) AS n FROM checkpoints
       WHERE tag_key = '' AND parent IS NOT NULL AND state NOT IN ${TERMINAL}`,
    ),
    pruned: await count(
      `SELECT count(DISTINCT h.pid) AS n FROM soak_commits h
       WHERE NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.pid = h.pid)`,
    ),
    claims: await count(`SELECT count(*) AS n FROM process_claims`),
    endedTwice: (
      await client.query<{ pid: string; commits: string }>(
        `SELECT pid, string_agg(state || ' by ' || writer || ' at ' ||
                                to_char(at, 'HH24:MI:SS.US'), ', ' ORDER BY seq) AS commits
         FROM soak_commits WHERE state IN ${TERMINAL} GROUP BY pid HAVING count(*) > 1`,
      )
    ).rows.map((row) => `${row.pid}: ${row.commits.replaceAll(OWNER_APPLICATION_PREFIX, '')}`),
    commits: await count(`SELECT count(*) AS n FROM soak_commits`),
  }
}

/**
 * When each recorded step's effect was first in a committed checkpoint (server clock, ms since
 * the epoch), by `<pipeline pid> <step> <index>` as the steps record themselves: a `Work` of
 * pipeline P with index k (`P work k`) once its FINISHED checkpoint committed; round k of a
 * pipeline (`P collect k`) once a checkpoint with `ctx.i` above k committed.
 */
export const firstCommitPast = async (client: Queryable): Promise<Map<string, number>> => {
  const past = new Map<string, number>()
  const work = await client.query<{ work_of: string; work_index: number; at: number }>(
    `SELECT work_of, work_index, extract(epoch FROM min(at)) * 1000 AS at FROM soak_commits
     WHERE state = 'FINISHED' AND work_of IS NOT NULL GROUP BY work_of, work_index`,
  )
  for (const row of work.rows) past.set(`${row.work_of} work ${row.work_index}`, Number(row.at))
  const rounds = await client.query<{ pid: string; round: number; at: number }>(
    `SELECT pid, round, extract(epoch FROM min(at)) * 1000 AS at FROM soak_commits
     WHERE round IS NOT NULL GROUP BY pid, round ORDER BY pid, round DESC`,
  )
  const byPid = new Map<string, { round: number; at: number }[]>()
  for (const row of rounds.rows) {
    const commits = byPid.get(row.pid) ?? []
    commits.push({ round: row.round, at: Number(row.at) })
    byPid.set(row.pid, commits)
  }
  for (const [pid, commits] of byPid) {
    // Rounds in decreasing order: round k is past at the earliest commit with ctx.i above k.
    let earliest = Infinity
    let next = commits[0]?.round ?? 0
    for (const { round, at } of [...commits, { round: 0, at: Infinity }]) {
      for (; next > round; next--) past.set(`${pid} collect ${next - 1}`, earliest)
      earliest = Math.min(earliest, at)
    }
  }
  return past
}
