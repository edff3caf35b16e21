/**
 * The PostgreSQL store, a subpath of its own (`plumpy-ts/postgres`) so that importing the library
 * never loads `pg`.
 */
export { PostgresPersister } from './persister.js'
export type { PostgresPersisterOptions, PostgresTarget } from './persister.js'
export type { IncrementalOptions } from '../incremental.js'
