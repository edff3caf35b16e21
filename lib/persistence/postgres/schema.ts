/**
 * The PostgreSQL schema and statements; the same layout as the SQLite store (see
 * `sqlite/schema.ts`). Bodies are TEXT, not JSONB: the text comes back byte for byte (JSONB would
 * reorder keys and refuses `\u0000` escapes), a damaged row is reported by the codec like any
 * other damage, and the server does not parse what it only stores.
 */

/** Serialises concurrent `ensureSchema` calls across workers (a fixed advisory lock key). */
export const SCHEMA_LOCK = 0x706c756d7079 // 'plumpy'

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  pid TEXT COLLATE "C" NOT NULL,
  tag TEXT,
  tag_key TEXT COLLATE "C" NOT NULL,
  body TEXT NOT NULL,
  version BIGINT NOT NULL,
  base BIGINT NOT NULL,
  saved_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (pid, tag_key)
);
CREATE TABLE IF NOT EXISTS checkpoint_patches (
  pid TEXT COLLATE "C" NOT NULL,
  tag_key TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  patch TEXT NOT NULL,
  PRIMARY KEY (pid, tag_key, version)
);
`

/**
 * Every statement, run as named prepared statements. Writes that replace a whole body also drop
 * the patches it replaces, in the same statement.
 */
export const POSTGRES_STATEMENTS = {
  saveWhole: `
    WITH saved AS (
      INSERT INTO checkpoints AS c (pid, tag, tag_key, body, version, base)
      VALUES ($1::text, $2::text, $3::text, $4::text, 1, 1)
      ON CONFLICT (pid, tag_key) DO UPDATE SET
        body = excluded.body, version = c.version + 1, base = c.version + 1, saved_at = now()
      RETURNING c.version
    ), dropped AS (
      DELETE FROM checkpoint_patches WHERE pid = $1::text AND tag_key = $3::text
    )
    SELECT version FROM saved`,
  savePatch: `
    WITH head AS (
      UPDATE checkpoints SET version = version + 1, saved_at = now()
      WHERE pid = $1::text AND tag_key = $2::text AND version = $3::bigint
      RETURNING version
    )
    INSERT INTO checkpoint_patches (pid, tag_key, version, patch)
    SELECT $1::text, $2::text, version, $4::text FROM head`,
  load: `
    SELECT c.body, c.version, c.base, ARRAY(
      SELECT p.patch FROM checkpoint_patches p
      WHERE p.pid = c.pid AND p.tag_key = c.tag_key AND p.version > c.base AND p.version <= c.version
      ORDER BY p.version
    ) AS patches
    FROM checkpoints c WHERE c.pid = $1::text AND c.tag_key = $2::text`,
  listAll: `SELECT pid, tag FROM checkpoints`,
  listProcess: `SELECT pid, tag FROM checkpoints WHERE pid = $1::text`,
  deleteOne: `
    WITH gone AS (DELETE FROM checkpoints WHERE pid = $1::text AND tag_key = $2::text)
    DELETE FROM checkpoint_patches WHERE pid = $1::text AND tag_key = $2::text`,
  deleteProcess: `
    WITH gone AS (DELETE FROM checkpoints WHERE pid = $1::text)
    DELETE FROM checkpoint_patches WHERE pid = $1::text`,
} as const
