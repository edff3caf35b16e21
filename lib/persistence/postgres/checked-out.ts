/**
 * A pooled connection held for a transaction. While a connection sits idle the pool listens
 * for its errors; once checked out, nobody does, and a connection the server drops (a restart,
 * `pg_terminate_backend`) emits an `error` event that, unheard, ends the whole program. Here the
 * error is heard for as long as the connection is held, and a connection that broke is destroyed
 * on release instead of going back to the pool.
 */
import type pg from 'pg'

/** Run `use` on a connection of `pool` held for it alone; the connection is released after. */
export const withConnection = async <T>(
  pool: pg.Pool,
  use: (client: pg.PoolClient) => Promise<T>,
): Promise<T> => {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (error: Error) => {
    broken ??= error
  }
  client.on('error', onError)
  try {
    return await use(client)
  } catch (error) {
    // A failed statement leaves the transaction aborted: roll it back so the connection can be
    // reused; a connection that cannot even do that is destroyed.
    if (broken === undefined)
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
    throw error
  } finally {
    client.removeListener('error', onError)
    client.release(broken)
  }
}
