/**
 * Parameter values written into SQL text as literals, for queries sent through the simple
 * protocol (several statements in one query, or `EXECUTE`), which takes no parameters. Every
 * parameter of the store's statements carries its cast (`$1::text`, `$2::text[]`), which then
 * applies to the literal, so a quoted literal takes the type the statement names.
 */
import type pg from 'pg'

/** `value` as an SQL literal escaped by `client`: NULL, an array of texts, or a quoted text. */
export const sqlLiteral = (client: pg.ClientBase, value: unknown): string => {
  if (value === null || value === undefined) return 'NULL'
  if (Array.isArray(value))
    return `ARRAY[${value.map((item) => client.escapeLiteral(String(item))).join(', ')}]::text[]`
  return client.escapeLiteral(String(value))
}
