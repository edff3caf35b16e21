/**
 * `plumpy-ts check`: load every stored checkpoint against the current definitions and list
 * those that would not load, with why. Safe to run at any time: it only reads.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import { awaitedChildren, WaitGraph } from '../checkpoint/waits.js'
import type { DamagedEntry, Persister } from '../persistence/persister.js'

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

/**
 * Try every checkpoint of `persister` against `registry`: what `loadProcess` would refuse
 * (unknown definition, version, position, inputs; waiting on itself, on a process that waits
 * back on it, or on one that is not its child), and waiting checkpoints whose children have no
 * checkpoint.
 */
export const checkCheckpoints = async (
  persister: Persister,
  registry: DefinitionRegistry,
): Promise<CheckReport> => {
  const addresses = await persister.getCheckpoints()
  const failures: CheckFailure[] = []
  const graph = new WaitGraph()
  // Judged once every parent is known; kept without their contexts and inputs.
  const waiting: { readonly bundle: Bundle; readonly tag: string | undefined }[] = []
  for (const { pid, tag } of addresses) {
    try {
      const bundle = await persister.loadCheckpoint(pid, tag)
      if (tag === undefined) graph.add(bundle)
      const resolved = registry.resolve(bundle, tag)
      if (E.isLeft(resolved)) failures.push(failure(resolved.left))
      else if (awaitedChildren(bundle).length > 0) waiting.push({ bundle: shallow(bundle), tag })
    } catch (error) {
      failures.push(
        error instanceof CheckpointError
          ? failure(error)
          : { pid, tag, problem: 'error', reason: String(error) },
      )
    }
  }
  const stored = new Set(addresses.filter((a) => a.tag === undefined).map((a) => a.pid))
  for (const { bundle, tag } of waiting) {
    const refusal = graph.refusal(bundle, tag)
    if (refusal !== undefined) failures.push(failure(refusal))
    else failures.push(...missingChildren(bundle, tag, stored))
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
  tag: string | undefined,
  stored: ReadonlySet<string>,
): CheckFailure[] =>
  awaitedChildren(bundle)
    .filter((child) => !stored.has(child.pid))
    .map((child) => ({
      pid: bundle.pid,
      tag,
      problem: 'missing-child',
      reason: `it waits on child ${child.pid} (ctx.${child.key}), which has no checkpoint in the store`,
    }))

/** What the wait checks read of a bundle, without the context and inputs it would keep alive. */
const shallow = (bundle: Bundle): Bundle => ({
  ...bundle,
  snapshot: { ...bundle.snapshot, ctx: {}, outputs: {} },
  inputs: {},
  rawInputs: {},
})

const failure = (error: CheckpointError): CheckFailure => ({
  pid: error.pid ?? '<unknown>',
  tag: error.tag,
  problem: error.problem,
  reason: error.reason,
})
