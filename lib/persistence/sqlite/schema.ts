/**
 * The SQLite schema. One row per checkpoint, keyed by (pid, tag_key) (see `tagKey`); `body` is
 * the whole checkpoint as of version `base`, and the patch rows of `checkpoint_patches` (written
 * only in incremental mode) carry it up to `version`. Triggers move `version` along when a patch
 * row is written (so a patch is one autocommitted statement, as cheap as a whole write), and drop
 * a checkpoint's patches when a whole body replaces them or the checkpoint is deleted.
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
  listAll: `SELECT pid, tag FROM checkpoints`,
  listProcess: `SELECT pid, tag FROM checkpoints WHERE pid = ?`,
  deleteOne: `DELETE FROM checkpoints WHERE pid = ? AND tag_key = ?`,
  deleteProcess: `DELETE FROM checkpoints WHERE pid = ?`,
} as const
