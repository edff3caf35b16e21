/**
 * plumpy-ts: long-running workflows as definitions of pure steps, interpreted by a pure process
 * state machine, with immer contexts and JSON checkpoints.
 */
export * from './ports/index.js'
export * from './process/index.js'
export * from './workchain/index.js'
export * from './checkpoint/index.js'
export * from './persistence/index.js'
export * from './runtime/index.js'
export * from './comms/index.js'
