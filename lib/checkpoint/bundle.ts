/**
 * The checkpoint bundle: everything needed to bring a process back, as plain data. A bundle holds
 * the machine snapshot (state, position and cursor, pending awaitables, the journal of a
 * generator step suspended inside itself), the inputs, and which definition it belongs to.
 */
import type { ProcessDefinition } from '../process/definition.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { isTerminal } from '../process/state.js'
import { fingerprint } from '../workchain/describe.js'

/** Which definition a checkpoint belongs to: name, version and a hash of its structure. */
export interface DefinitionStamp {
  readonly name: string
  readonly version: number
  readonly hash: string
}

/** A checkpoint in memory. */
export interface Bundle {
  readonly pid: string
  readonly definition: DefinitionStamp
  readonly parentPid: string | undefined
  readonly snapshot: ProcessSnapshot
  readonly inputs: unknown
  readonly rawInputs: unknown
}

const stamps = new WeakMap<ProcessDefinition, DefinitionStamp>()

/** The stamp of a definition (computed once per definition: every checkpoint needs it). */
export const stampOf = (definition: ProcessDefinition): DefinitionStamp => {
  let stamp = stamps.get(definition)
  if (stamp === undefined) {
    stamp = Object.freeze({
      name: definition.name,
      version: definition.version,
      hash: fingerprint(definition.body.structure),
    })
    stamps.set(definition, stamp)
  }
  return stamp
}

/** What a live process offers to be bundled. */
export interface Bundleable {
  readonly definition: ProcessDefinition
  readonly snapshot: ProcessSnapshot
  readonly inputs: unknown
  readonly rawInputs: unknown
  readonly parentPid: string | undefined
}

/**
 * Bundle a process. Checkpoints are taken between steps, so a bundle never records a running
 * step or the pending actions of one: those live only as long as their callers' promises.
 */
export const bundle = (process: Bundleable): Bundle => ({
  pid: process.snapshot.pid,
  definition: stampOf(process.definition),
  parentPid: process.parentPid,
  snapshot: {
    ...process.snapshot,
    stepping: false,
    pendingPause: undefined,
    pendingKill: undefined,
    closed: isTerminal(process.snapshot.state),
  },
  inputs: process.inputs,
  rawInputs: process.rawInputs,
})
