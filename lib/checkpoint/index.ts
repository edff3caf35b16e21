/** Checkpoints: bundles of process state, and their JSON codec. */
export { bundle, stampOf } from './bundle.js'
export type { Bundle, Bundleable, DefinitionStamp } from './bundle.js'
export { encodeCheckpoint, decodeCheckpoint, CheckpointJson } from './codec.js'
export type { CheckpointSource } from './codec.js'
export { CheckpointError } from './errors.js'
export type { CheckpointProblem } from './errors.js'
export { DefinitionRegistry } from './registry.js'
export type { Migration, Resolved } from './registry.js'
