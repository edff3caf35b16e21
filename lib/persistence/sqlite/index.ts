/**
 * The SQLite store, a subpath of its own (`plumpy-ts/sqlite`) so that importing the library never
 * loads the native module.
 */
export { SqlitePersister } from './persister.js'
export type { SqlitePersisterOptions, SqliteTarget } from './persister.js'
export type { IncrementalOptions } from '../incremental.js'
