/**
 * `plumpy-ts check`: load every stored checkpoint against the current definitions and list
 * those that would not load, with why. Safe to run at any time: it only reads.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { DamagedEntry, PersistedCheckpoint, Persister } from '../persistence/persister.js'

/** One checkpoint that would not load (or would load without the children it waits on). */
export interface CheckFailure {
  readonly pid: string
  readonly tag: string | undefined
  readonly problem: string
  readonly reason: string
}

/** What `check` found. */
export interface CheckReport {
  readonly checked: number
  readonly failures: readonly CheckFailure[]
  /** Entries of the store that cannot even be listed as checkpoints. */
  readonly damaged: readonly DamagedEntry[]
}

/** Try every checkpoint of `persister` against `registry`. */
export const checkCheckpoints = async (
  persister: Persister,
  registry: DefinitionRegistry,
): Promise<CheckReport> => {
  const addresses = await persister.getCheckpoints()
  const stored = new Set(addresses.filter((a) => a.tag === undefined).map((a) => a.pid))
  const failures: CheckFailure[] = []
  for (const { pid, tag } of addresses) {
    try {
      const bundle = await persister.loadCheckpoint(pid, tag)
      const resolved = registry.resolve(bundle, tag)
      if (E.isLeft(resolved)) failures.push(failure(resolved.left))
      else failures.push(...missingChildren(bundle, { pid, tag }, stored))
    } catch (error) {
      failures.push(
        error instanceof CheckpointError
          ? failure(error)
          : { pid, tag, problem: 'error', reason: String(error) },
      )
    }
  }
  const damaged = (await persister.damaged?.()) ?? []
  return { checked: addresses.length, failures, damaged }
}

/**
 * A waiting checkpoint gets its children back from their own (untagged) checkpoints: one that is
 * not in the store would leave the process waiting on a child that fails as "cannot be found".
 */
const missingChildren = (
  bundle: Bundle,
  address: PersistedCheckpoint,
  stored: ReadonlySet<string>,
): CheckFailure[] => {
  const state = bundle.snapshot.state
  if (state._tag !== 'WAITING') return []
  return state.awaiting.flatMap((pending) =>
    pending.done || pending.ref._tag !== 'Child' || stored.has(pending.ref.pid)
      ? []
      : [
          {
            ...address,
            problem: 'missing-child',
            reason: `it waits on child ${pending.ref.pid} (ctx.${pending.key}), which has no checkpoint in the store`,
          },
        ],
  )
}

const failure = (error: CheckpointError): CheckFailure => ({
  pid: error.pid ?? '<unknown>',
  tag: error.tag,
  problem: error.problem,
  reason: error.reason,
})
