/**
 * DBOS Transact on P4: durable steps into PostgreSQL. A DBOS workflow records its start and end
 * and the result of every step in its system database, each step's record committed before the
 * workflow goes on: what our strict durability does with a checkpoint per step. One step per loop
 * iteration (`DBOS.runStep`), B3d's loop.
 *
 * DBOS is one runtime per Node process (`DBOS.launch()` once, static registrations), so P4 runs in
 * a process of its own and `openDbos` is called once there.
 */
import { DBOS } from '@dbos-inc/dbos-sdk'
import { check, timed, type Timing } from '../harness.js'

/** What `openDbos` takes. */
export interface DbosOptions {
  /** The server's URL; DBOS's system database is a database of its own on that server. */
  readonly serverUrl: string
  /** The database DBOS creates (if missing) and keeps its tables in. */
  readonly database: string
  /** Connections in DBOS's pool: ours runs B3d with 20, so DBOS gets the same. */
  readonly poolSize: number
}

/** A launched DBOS runtime and the loop workflow registered in it. */
export interface Dbos {
  /** `chains` loop workflows of `steps` steps each, started together, all run to their end. */
  chains(chains: number, steps: number): Promise<Timing>
  shutdown(): Promise<void>
}

/** The URL of database `name` on the server at `serverUrl`. */
const databaseUrl = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.href
}

/** Register the loop workflow, launch DBOS on the server (migrating its schema), and return it. */
export const openDbos = async (options: DbosOptions): Promise<Dbos> => {
  DBOS.setConfig({
    name: 'plumpy-bench-peers',
    systemDatabaseUrl: databaseUrl(options.serverUrl, options.database),
    systemDatabasePoolSize: options.poolSize,
    logLevel: 'error',
  })
  const loop = DBOS.registerWorkflow(
    async (n: number) => {
      let i = 0
      while (i < n) i = await DBOS.runStep(async () => i + 1, { name: 'inc' })
      return i
    },
    { name: 'loop' },
  )
  await DBOS.launch()
  return {
    chains: async (chains, steps) => {
      let finished = 0
      const timing = await timed(() =>
        Promise.all(
          Array.from({ length: chains }, async () => {
            if ((await loop(steps)) === steps) finished += 1
          }),
        ),
      )
      check(finished === chains, `${chains} workflows of ${steps} steps finished, got ${finished}`)
      return timing
    },
    shutdown: () => DBOS.shutdown(),
  }
}
