/**
 * `plumpy-ts check`: load every stored checkpoint against the current definitions and list
 * those that would not load, with why. Safe to run at any time: it only reads.
 */
import * as E from 'fp-ts/lib/Either.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Persister } from '../persistence/persister.js'

/** One checkpoint that would not load. */
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
}

/** Try every checkpoint of `persister` against `registry`. */
export const checkCheckpoints = async (
  persister: Persister,
  registry: DefinitionRegistry,
): Promise<CheckReport> => {
  const addresses = await persister.getCheckpoints()
  const failures: CheckFailure[] = []
  for (const { pid, tag } of addresses) {
    try {
      const bundle = await persister.loadCheckpoint(pid, tag)
      const resolved = registry.resolve(bundle, tag)
      if (E.isLeft(resolved)) failures.push(failure(resolved.left))
    } catch (error) {
      failures.push(
        error instanceof CheckpointError
          ? failure(error)
          : { pid, tag, problem: 'error', reason: String(error) },
      )
    }
  }
  return { checked: addresses.length, failures }
}

const failure = (error: CheckpointError): CheckFailure => ({
  pid: error.pid ?? '<unknown>',
  tag: error.tag,
  problem: error.problem,
  reason: error.reason,
})
