/**
 * The checkpoint bundle: everything needed to bring a process back, as plain data. A bundle holds
 * the machine snapshot (state, position and cursor, pending awaitables, the journal of a
 * generator step suspended inside itself), the inputs, and which definition it belongs to.
 */
import type { ProcessDefinition } from '../process/definition.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { isTerminal, type ProcessState } from '../process/state.js'
import { fingerprint } from '../workchain/describe.js'
import { CheckpointError } from './errors.js'
import { notJsonItems, notJsonReason } from './json-values.js'

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
  /** The parsed inputs in their wire form (each port's codec `encode`s its value). */
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
  /**
   * True when everything the process holds was checked to be JSON where it entered (a process
   * of a checkpointing runner): `bundle` then does not walk it all again at every checkpoint.
   */
  readonly keptJson?: boolean
}

/**
 * Bundle a process. Checkpoints are taken between steps, so a bundle never records a running
 * step or the pending actions of one: those live only as long as their callers' promises.
 * Throws a `CheckpointError` ('not-json') naming the first value that JSON would not bring back
 * as it is (a Date, a Map, NaN…): such a checkpoint would load as another process.
 */
export const bundle = (process: Bundleable): Bundle => {
  const snapshot = process.snapshot
  // Parsed inputs in their wire form: a codec that decodes text into a Date encodes it back.
  const inputs = process.definition.spec.inputs.encode(process.inputs)
  const reason = process.keptJson === true ? undefined : notJsonIn(snapshot, inputs, process)
  if (reason !== undefined) throw new CheckpointError('not-json', snapshot.pid, undefined, reason)
  return {
    pid: snapshot.pid,
    definition: stampOf(process.definition),
    parentPid: process.parentPid,
    snapshot: {
      ...snapshot,
      stepping: false,
      pendingPause: undefined,
      pendingKill: undefined,
      closed: isTerminal(snapshot.state),
    },
    inputs,
    rawInputs: process.rawInputs,
  }
}

/** The first value of a process that JSON would not bring back as it is, by its path. */
const notJsonIn = (
  snapshot: ProcessSnapshot,
  inputs: unknown,
  process: Bundleable,
): string | undefined =>
  notJsonReason(snapshot.ctx, 'ctx') ??
  notJsonReason(snapshot.outputs, 'outputs') ??
  stateReason(snapshot.state) ??
  notJsonReason(inputs, 'inputs') ??
  notJsonReason(process.rawInputs, 'rawInputs')

/** The first value of a state that is not JSON (the rest of the state is strings and numbers). */
const stateReason = (state: ProcessState): string | undefined => {
  switch (state._tag) {
    case 'FINISHED':
      return state.result === undefined ? undefined : notJsonReason(state.result, 'result')
    case 'EXCEPTED':
    case 'KILLED':
      return undefined
    case 'WAITING': {
      for (const pending of state.awaiting)
        if (pending.done && pending.value !== undefined) {
          const reason = notJsonReason(pending.value, `ctx.${pending.key}`)
          if (reason !== undefined) return reason
        }
      if (state.data !== undefined) {
        const reason = notJsonReason(state.data, 'data')
        if (reason !== undefined) return reason
      }
      break
    }
    case 'CREATED':
    case 'RUNNING':
      break
  }
  const position = state.position
  return (
    (position._tag === 'Step' ? notJsonItems(position.args, 'args') : undefined) ??
    (position.journal === undefined
      ? undefined
      : notJsonItems(
          position.journal.entries.map((entry) => entry.answer),
          'journal',
        ))
  )
}
