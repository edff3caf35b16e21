/**
 * The SQLite schema. One row per checkpoint, keyed by (pid, tag_key) (see `tagKey`); `body` is
 * the whole checkpoint as of version `base`, and the patch rows of `checkpoint_patches` (written
 * only in incremental mode) carry it up to `version`. Triggers move `version` along when a patch
 * row is written (so a patch is one autocommitted statement, as cheap as a whole write), and drop
 * a checkpoint's patches when a whole body replaces them or the checkpoint is deleted.
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

/** Every statement the persister runs, prepared once. */
export const SQLITE_STATEMENTS = {
  /** Write a whole body: the new version is both `version` and `base`. */
  saveWhole: `
    INSERT INTO checkpoints (pid, tag, tag_key, body, version, base, saved_at)
    VALUES (?, ?, ?, ?, 1, 1, ?)
    ON CONFLICT (pid, tag_key) DO UPDATE SET
      body = excluded.body, version = version + 1, base = version + 1, saved_at = excluded.saved_at
    RETURNING version`,
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
