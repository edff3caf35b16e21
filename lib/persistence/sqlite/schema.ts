/**
 * The SQLite schema. One row per checkpoint, keyed by (pid, tag_key) (see `tagKey`); `body` is
 * the whole checkpoint as of version `base`, and the patch rows of `checkpoint_patches` (written
 * only in incremental mode) carry it up to `version`. Triggers move `version` along when a patch
 * row is written, and drop a checkpoint's patches when a whole body replaces them or the
 * checkpoint is deleted.
 *
 * Beside the body, each row keeps what a listing shows (definition, state, paused, status,
 * parent, and the times in milliseconds: `created_at` of its first save, `saved_at` of its
 * last), so that listing, filtering and paging read indices, never bodies (see
 * `catalog/sql.ts`). A save rewrites these columns only when one of them changes (`saveBody`). `process_history` is the append-only history of transitions.
 * Stores made before these columns get them when opened (see `upgrade.ts`).
 *
 * `process_deadlines` is the deadline index (see `../deadlines.ts`): one row per root process
 * whose latest checkpoint waits on a timer, with the claim of the worker that took it once it
 * fell due (`claimed_by` until `claimed_until`). Stores made before it get the table when they
 * are opened, and their waiting processes are indexed then (see `SqlitePersister`).
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  pid TEXT NOT NULL,
  tag TEXT,
  tag_key TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL,
  base INTEGER NOT NULL,
  saved_at INTEGER NOT NULL,
  created_at INTEGER,
  definition TEXT,
  definition_version INTEGER,
  state TEXT,
  paused INTEGER,
  status TEXT,
  parent TEXT,
  inbox TEXT,
  PRIMARY KEY (pid, tag_key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS checkpoint_patches (
  pid TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  patch TEXT NOT NULL,
  PRIMARY KEY (pid, tag_key, version)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS process_deadlines (
  pid TEXT NOT NULL PRIMARY KEY,
  deadline INTEGER NOT NULL,
  claimed_by TEXT,
  claimed_until INTEGER
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS process_deadlines_due ON process_deadlines (deadline);

CREATE TRIGGER IF NOT EXISTS checkpoint_patched AFTER INSERT ON checkpoint_patches
BEGIN
  UPDATE checkpoints SET version = NEW.version, saved_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
  WHERE pid = NEW.pid AND tag_key = NEW.tag_key;
END;

CREATE TRIGGER IF NOT EXISTS checkpoints_rebased AFTER UPDATE OF base ON checkpoints
WHEN OLD.version > OLD.base
BEGIN
  DELETE FROM checkpoint_patches WHERE pid = OLD.pid AND tag_key = OLD.tag_key;
END;

CREATE TRIGGER IF NOT EXISTS checkpoints_deleted AFTER DELETE ON checkpoints
WHEN OLD.version > OLD.base
BEGIN
  DELETE FROM checkpoint_patches WHERE pid = OLD.pid AND tag_key = OLD.tag_key;
END;
`

/**
 * Whether a store made before the deadline index is being opened (asked before the schema is
 * applied): it has checkpoints, but no index of their deadlines yet.
 */
export const SQLITE_LACKS_DEADLINE_INDEX = `
  SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints')
  AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'process_deadlines')`

/** The names of the catalog's indices, by what queries read them for (see `catalog/sql.ts`). */
export const SQLITE_CATALOG_INDICES = {
  listing: 'checkpoints_listing',
  recent: 'checkpoints_recent',
  states: 'checkpoints_states',
  parent: 'checkpoints_by_parent',
} as const

/**
 * The indices of listings and the history table, made once the catalog columns exist: partial
 * indices over the untagged rows (the processes). `listing` (by creation) and `recent` (by last
 * save) hold every column a filter reads, so that a page, a count or a deep offset is answered
 * from the index alone; `states` does the same for counts by state. `recent` moves on every save
 * and `listing` on every change of state or status: the price of listings that stay fast at
 * 100,000 processes. The indices of earlier versions are dropped.
 */
export const SQLITE_CATALOG_SCHEMA = `
DROP INDEX IF EXISTS checkpoints_by_created;
DROP INDEX IF EXISTS checkpoints_by_state;
DROP INDEX IF EXISTS checkpoints_by_definition;
DROP INDEX IF EXISTS checkpoints_paused;
CREATE INDEX IF NOT EXISTS checkpoints_listing ON checkpoints
  (created_at, pid, state, definition, definition_version, paused, parent, status)
  WHERE tag_key = '';
CREATE INDEX IF NOT EXISTS checkpoints_recent ON checkpoints
  (saved_at, pid, state, definition, definition_version, paused, parent, status, created_at)
  WHERE tag_key = '';
CREATE INDEX IF NOT EXISTS checkpoints_states ON checkpoints
  (state, created_at, pid, definition, definition_version, paused, parent)
  WHERE tag_key = '';
CREATE INDEX IF NOT EXISTS checkpoints_by_parent ON checkpoints (parent, created_at, pid)
  WHERE tag_key = '';

CREATE TABLE IF NOT EXISTS process_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  pid TEXT NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  step TEXT,
  duration_ms INTEGER,
  status TEXT
);
CREATE INDEX IF NOT EXISTS process_history_by_pid ON process_history (pid, seq);
CREATE INDEX IF NOT EXISTS process_history_by_time ON process_history (at);
`

/** The catalog columns, in the order of the upgrade and of `saveWhole`'s parameters. */
export const CATALOG_COLUMNS = [
  'created_at',
  'definition',
  'definition_version',
  'state',
  'paused',
  'status',
  'parent',
  'inbox',
] as const

/** Every statement the persister runs, prepared once. */
export const SQLITE_STATEMENTS = {
  /** Write a whole body: the new version is both `version` and `base`. */
  saveWhole: `
    INSERT INTO checkpoints (pid, tag, tag_key, body, version, base, saved_at, created_at,
      definition, definition_version, state, paused, status, parent, inbox)
    VALUES (@pid, @tag, @key, @body, 1, 1, @now, @now,
      @definition, @version, @state, @paused, @status, @parent, @inbox)
    ON CONFLICT (pid, tag_key) DO UPDATE SET
      body = excluded.body, version = version + 1, base = version + 1, saved_at = excluded.saved_at,
      definition = excluded.definition, definition_version = excluded.definition_version,
      state = excluded.state, paused = excluded.paused, status = excluded.status,
      parent = excluded.parent, inbox = excluded.inbox
    RETURNING version`,
  /**
   * Write a whole body over a row whose indexed columns all stay as they are: its catalog
   * columns already hold `@definition`…`@parent` and, for the untagged row, the deadline index
   * already says `@deadline` (null: no row), whoever wrote them. It sets no indexed column but
   * `saved_at`, so only the `recent` index moves: SQLite rewrites the index entries of every
   * column a SET names, even to an unchanged value, and most saves (a chain stepping on) change
   * nothing a listing shows. Changes no row when anything differs or the row is missing; the
   * save is then `saveWhole` with the deadline index. `inbox` is in no index: it is set as it is.
   */
  saveBody: `
    UPDATE checkpoints SET body = @body, version = version + 1, base = version + 1,
      saved_at = @now, inbox = @inbox
    WHERE pid = @pid AND tag_key = @key
      AND definition IS @definition AND definition_version IS @version AND state IS @state
      AND paused IS @paused AND status IS @status AND parent IS @parent
      AND (@key <> '' OR (SELECT deadline FROM process_deadlines WHERE pid = @pid) IS @deadline)`,
  /**
   * What a patch changes in a listing (the patch row itself moves the version on), written only
   * when something did change, for the reason given at `saveBody`.
   */
  savePatchColumns: `
    UPDATE checkpoints SET definition = @definition, definition_version = @version,
      state = @state, paused = @paused, status = @status, parent = @parent, inbox = @inbox
    WHERE pid = @pid AND tag_key = @key
      AND NOT (definition IS @definition AND definition_version IS @version AND state IS @state
        AND paused IS @paused AND status IS @status AND parent IS @parent AND inbox IS @inbox)`,
  /**
   * Write the patch producing the next version, only if the stored version is still `?` (nobody
   * else wrote since); the `checkpoint_patched` trigger then raises the checkpoint's version.
   */
  savePatch: `
    INSERT INTO checkpoint_patches (pid, tag_key, version, patch)
    SELECT pid, tag_key, version + 1, ? FROM checkpoints
    WHERE pid = ? AND tag_key = ? AND version = ?`,
  loadHead: `SELECT body, version, base FROM checkpoints WHERE pid = ? AND tag_key = ?`,
  loadPatches: `
    SELECT patch FROM checkpoint_patches
    WHERE pid = ? AND tag_key = ? AND version > ? AND version <= ?
    ORDER BY version`,
  /**
   * Index the deadline of a root process (`@pid`, `@deadline`); a claim stays only while the
   * deadline it was taken for does.
   */
  indexDeadline: `
    INSERT INTO process_deadlines (pid, deadline) VALUES (@pid, @deadline)
    ON CONFLICT (pid) DO UPDATE SET
      deadline = excluded.deadline,
      claimed_by = CASE WHEN deadline = excluded.deadline THEN claimed_by END,
      claimed_until = CASE WHEN deadline = excluded.deadline THEN claimed_until END`,
  unindexDeadline: `DELETE FROM process_deadlines WHERE pid = ?`,
  dueDeadlines: `
    SELECT pid, deadline FROM process_deadlines WHERE deadline <= ?
    ORDER BY deadline, pid LIMIT ?`,
  /**
   * Claim for `@claimant`, until `@until`, up to `@limit` rows due at `@now` that no unexpired
   * claim holds. One statement under SQLite's write lock: two claimants never both get a row.
   */
  claimDue: `
    UPDATE process_deadlines SET claimed_by = @claimant, claimed_until = @until
    WHERE pid IN (
      SELECT pid FROM process_deadlines
      WHERE deadline <= @now AND (claimed_by IS NULL OR claimed_until <= @now)
      ORDER BY deadline, pid LIMIT @limit)
    RETURNING pid, deadline`,
  listAll: `SELECT pid, tag FROM checkpoints`,
  listProcess: `SELECT pid, tag FROM checkpoints WHERE pid = ?`,
  deleteOne: `DELETE FROM checkpoints WHERE pid = ? AND tag_key = ?`,
  deleteProcess: `DELETE FROM checkpoints WHERE pid = ?`,
} as const
