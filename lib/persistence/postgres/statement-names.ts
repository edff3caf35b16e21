/**
 * Names of the store's prepared statements. PostgreSQL keeps a prepared statement under its name
 * for the rest of the session, and `pg` remembers per connection the text it prepared under each
 * name. Under a fixed name (`plumpy_load`), two versions of the store sharing a pool (a library
 * and its dependant at two versions, say) would meet on one connection with two texts: `pg`
 * refuses the second ("Prepared statements must be unique"), a second SQL `PREPARE` fails
 * (`duplicate_prepared_statement`, 42P05), and a statement asked for by a name it does not know
 * to be taken would run the text prepared first. A name made of the statement's label and a
 * digest of its text names one text only: the same text under the same name, from whichever
 * version, is the same statement.
 */
import { createHash } from 'node:crypto'

/** Hex digits of the text's SHA-256 kept in a name (64 bits: no two texts meet in practice). */
const DIGEST_DIGITS = 16

/**
 * The suffix of the names prepared with SQL `PREPARE` for group-committed batches: the client
 * library prepares the same statement at the protocol level under the plain name for lone
 * runs, in the same namespace, without knowing of the other.
 */
const BATCH_SUFFIX = '_batch'

/** PostgreSQL cuts identifiers longer than this (NAMEDATALEN − 1): two names could then meet. */
const MAX_NAME_LENGTH = 63

/** What a label may be: a word, as names read in logs and `pg_prepared_statements`. */
const LABEL = /^[A-Za-z][A-Za-z0-9_]*$/

/** The names one statement is prepared under. */
export interface PreparedNames {
  /** At the protocol level, by the client library (`{ name, text }` queries). */
  readonly lone: string
  /** With SQL `PREPARE`, for `EXECUTE` within a group-committed batch. */
  readonly batch: string
}

/** The names of the statement `text`, called `label` (e.g. `saveWhole`). */
export const preparedNames = (label: string, text: string): PreparedNames => {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, DIGEST_DIGITS)
  const lone = `plumpy_${label}_${digest}`
  if (!LABEL.test(label) || lone.length + BATCH_SUFFIX.length > MAX_NAME_LENGTH)
    throw new Error(
      `preparedNames: label '${label}' must be letters, digits and '_', starting with a ` +
        `letter, and short enough for '${lone}${BATCH_SUFFIX}' to stay within ` +
        `${MAX_NAME_LENGTH} characters`,
    )
  return { lone, batch: `${lone}${BATCH_SUFFIX}` }
}
