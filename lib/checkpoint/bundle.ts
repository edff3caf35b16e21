/**
 * The checkpoint bundle: everything needed to bring a process back, as plain data. A bundle holds
 * the machine snapshot (state, position and cursor, pending awaitables, the journal of a
 * generator step suspended inside itself), the inputs, and which definition it belongs to.
 */
import type { ProcessDefinition } from '../process/definition.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { isTerminal, type ProcessState } from '../process/state.js'
import { deepFreeze } from '../ports/plain.js'
import { fingerprint } from '../workchain/describe.js'
import { CheckpointError } from './errors.js'
import { itemsProblem, valueProblem, type ValueProblem } from './json-values.js'
import { keepFixedParts } from './text.js'

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
 * as it is (a Date, a Map, NaN…): such a checkpoint would load as another process; or
 * ('too-large') the first value past the default checkpoint limits.
 */
export const bundle = (process: Bundleable): Bundle => {
  const snapshot = process.snapshot
  const known = wired.get(process)
  const reused =
    known !== undefined &&
    known.inputs === process.inputs &&
    known.definition === process.definition
  // Parsed inputs in their wire form: a codec that decodes text into a Date encodes it back.
  const inputs = reused ? known.wire : process.definition.spec.inputs.encode(process.inputs)
  const found = process.keptJson === true ? undefined : problemIn(snapshot, inputs, process)
  if (found !== undefined)
    throw new CheckpointError(found.problem, snapshot.pid, undefined, found.reason)
  const made: Bundle = {
    pid: snapshot.pid,
    definition: stampOf(process.definition),
    parentPid: process.parentPid,
    snapshot: atRest(snapshot),
    inputs,
    rawInputs: process.rawInputs,
  }
  if (!reused && Object.isFrozen(process.inputs)) keepWireInputs(process, made)
  return made
}

/** A process's inputs in their wire form, made from these inputs of this definition. */
interface Wired {
  readonly inputs: unknown
  readonly definition: ProcessDefinition
  readonly wire: unknown
}

/** By process: its inputs never change, so neither does their wire form. */
const wired = new WeakMap<Bundleable, Wired>()

/**
 * Keep the wire form of a process's frozen inputs (a live process's, parsed or decoded, are
 * deeply frozen), deeply frozen in turn: every later bundle of the process shares it, and its
 * checkpoints' text is written from it once (`text.ts`). Inputs that are not frozen belong to
 * whoever made the bundleable: they are encoded again at every checkpoint, and never frozen.
 */
const keepWireInputs = (process: Bundleable, first: Bundle): void => {
  const wire = deepFreeze(first.inputs)
  wired.set(process, { inputs: process.inputs, definition: process.definition, wire })
  keepFixedParts(first)
}

/**
 * The snapshot as a checkpoint holds it: no step running, no pause or kill waiting for one, closed
 * once terminal. Most snapshots are so already and are kept as they are (a copy that adds the
 * fields a snapshot leaves out while unset would give every checkpoint a shape of its own).
 */
const atRest = (snapshot: ProcessSnapshot): ProcessSnapshot => {
  const closed = isTerminal(snapshot.state)
  if (
    !snapshot.stepping &&
    snapshot.pendingPause === undefined &&
    snapshot.pendingKill === undefined &&
    snapshot.closed === closed
  )
    return snapshot
  const { pendingPause: _pause, pendingKill: _kill, ...rest } = snapshot
  return { ...rest, stepping: false, closed }
}

/** The first value of a process that a checkpoint cannot keep as it is, by its path. */
const problemIn = (
  snapshot: ProcessSnapshot,
  inputs: unknown,
  process: Bundleable,
): ValueProblem | undefined =>
  valueProblem(snapshot.ctx, 'ctx') ??
  valueProblem(snapshot.outputs, 'outputs') ??
  stateProblem(snapshot.state) ??
  (snapshot.inbox === undefined
    ? undefined
    : itemsProblem(
        snapshot.inbox.map((received) => received.payload),
        'inbox',
      )) ??
  valueProblem(inputs, 'inputs') ??
  valueProblem(process.rawInputs, 'rawInputs')

/** The first value of a state that cannot be kept (the rest of the state is strings and numbers). */
const stateProblem = (state: ProcessState): ValueProblem | undefined => {
  switch (state._tag) {
    case 'FINISHED':
      return state.result === undefined ? undefined : valueProblem(state.result, 'result')
    case 'EXCEPTED':
    case 'KILLED':
      return undefined
    case 'WAITING': {
      for (const pending of state.awaiting)
        if (pending.done && pending.value !== undefined) {
          const found = valueProblem(pending.value, `ctx.${pending.key}`)
          if (found !== undefined) return found
        }
      if (state.data !== undefined) {
        const found = valueProblem(state.data, 'data')
        if (found !== undefined) return found
      }
      break
    }
    case 'CREATED':
    case 'RUNNING':
      break
  }
  const position = state.position
  return (
    (position._tag === 'Step' ? itemsProblem(position.args, 'args') : undefined) ??
    (position.journal === undefined
      ? undefined
      : itemsProblem(
          position.journal.entries.map((entry) => entry.answer),
          'journal',
        ))
  )
}
