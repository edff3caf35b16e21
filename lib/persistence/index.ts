/**
 * Persistence: the persister interface and the stores without native dependencies. SQLite and
 * PostgreSQL are subpaths of their own (`plumpy-ts/sqlite`, `plumpy-ts/postgres`), so importing
 * the library never loads a native module; `openPersister` imports them only when asked for.
 */
export type { DamagedEntry, PersistedCheckpoint, Persister } from './persister.js'
export { InMemoryPersister } from './memory.js'
export type { InMemoryPersisterOptions, MemoryStore } from './memory.js'
export { FilePersister } from './file.js'
export type { FilePersisterOptions } from './file.js'
export { diffJson, applyJsonPatches } from './patches.js'
export type { Patch } from './patches.js'
export type { IncrementalOptions } from './incremental.js'
export { openPersister } from './url.js'
export * from './catalog/index.js'
export type { OpenPersisterOptions } from './url.js'
