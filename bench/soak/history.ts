/**
 * What the database says happened: the store's progress and its advisory locks while the run
 * goes, and at the end what committed checkpoints held (through a trigger, see
 * `prepareCommitHistory`) and what the store holds. No body is copied: a run writes hundreds of
 * thousands of checkpoints.
 */
import pg from 'pg'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { EXECUTION_ID_PATTERN } from './definitions.js'

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

/**
 * How a checkpoint names a child it waits on (see the `awaiting` entries of a WAITING
 * snapshot); the first group is the child's pid.
 */
export const CHILD_REFERENCE_PATTERN = '"_tag":"Child","pid":"([^"]+)"'

/**
 * Creates the checkpoint tables, and beside them what the soak reads at the end, filled by
 * triggers in the writer's own transaction, so a row exists exactly when the write committed:
 * the execution ids that committed checkpoints have held (`soak_committed_runs`), the children
 * that committed checkpoints of roots have waited on (`soak_named_children`), and every pid ever
 * committed with its parent and `index` input (`soak_seen`). Bodies and patches are both
 * searched: the workers write whole bodies today, and an incremental store would write patches.
 */
export const prepareCommitHistory = async (url: string): Promise<void> => {
  const persister = new PostgresPersister({ connectionString: url })
  await persister.ensureSchema()
  await persister.close()
  // Whatever a text names: execution ids, and children when it is a root's.
  const named = (text: string, root: string) => `
        INSERT INTO soak_committed_runs (run)
          SELECT DISTINCT m[1] FROM regexp_matches(${text}, '"(${EXECUTION_ID_PATTERN})"', 'g') AS m
          ON CONFLICT DO NOTHING;
        IF ${root} THEN
          INSERT INTO soak_named_children (pid)
            SELECT DISTINCT m[1] FROM regexp_matches(${text}, '${CHILD_REFERENCE_PATTERN}', 'g') AS m
            ON CONFLICT DO NOTHING;
        END IF;`
  await withClient(url, (client) =>
    client.query(`
      CREATE TABLE soak_committed_runs (run TEXT COLLATE "C" PRIMARY KEY);
      CREATE TABLE soak_named_children (pid TEXT COLLATE "C" PRIMARY KEY);
      CREATE TABLE soak_seen (pid TEXT COLLATE "C" PRIMARY KEY, parent TEXT COLLATE "C", work_index INT);
      CREATE FUNCTION soak_record_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${named('NEW.body', 'NEW.parent IS NULL')}
        IF TG_OP = 'INSERT' THEN
          INSERT INTO soak_seen (pid, parent, work_index)
            VALUES (NEW.pid, NEW.parent, (NEW.body::json->'inputs'->>'index')::int)
            ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER soak_commits AFTER INSERT OR UPDATE OF body ON checkpoints
        FOR EACH ROW WHEN (NEW.tag_key = '') EXECUTE FUNCTION soak_record_commit();
      CREATE FUNCTION soak_record_patch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${named(
          'NEW.patch',
          `NOT EXISTS (SELECT 1 FROM checkpoints c
                       WHERE c.pid = NEW.pid AND c.tag_key = '' AND c.parent IS NOT NULL)`,
        )}
        RETURN NULL;
      END $$;
      CREATE TRIGGER soak_patches AFTER INSERT ON checkpoint_patches
        FOR EACH ROW WHEN (NEW.tag_key = '') EXECUTE FUNCTION soak_record_patch();`),
  )
}

/**
 * Children launched again past a checkpoint, as `<parent> launched <index> again`: a parent with
 * two children of one `index` (one round) that its committed checkpoints both waited on. A round
 * that launched its child again because the checkpoint naming the first never committed leaves
 * that first child unnamed (an orphan), which is allowed.
 */
export const relaunchedPastCheckpoint = async (client: Queryable): Promise<string[]> => {
  const { rows } = await client.query<{ parent: string; work_index: number; n: string }>(
    `SELECT s.parent, s.work_index, count(*) AS n FROM soak_seen s
     JOIN soak_named_children c ON c.pid = s.pid
     WHERE s.parent IS NOT NULL GROUP BY s.parent, s.work_index HAVING count(*) > 1`,
  )
  return rows.map((row) => `${row.parent} launched ${row.work_index} again (${row.n} children)`)
}

/** The execution ids that some committed checkpoint has held. */
export const committedRuns = async (client: Queryable): Promise<Set<string>> => {
  const { rows } = await client.query<{ run: string }>(`SELECT run FROM soak_committed_runs`)
  return new Set(rows.map((row) => row.run))
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
   * Rows written to the checkpoint table, as PostgreSQL's statistics count them (sessions report
   * theirs about once a second: the last second of writes may be missing).
   */
  readonly writes: number
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
      `SELECT count(*) AS n FROM soak_seen s
       WHERE NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.pid = s.pid)`,
    ),
    claims: await count(`SELECT count(*) AS n FROM process_claims`),
    writes: await count(
      `SELECT n_tup_ins + n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'checkpoints'`,
    ),
  }
}
