/**
 * Bringing processes back from checkpoints. The definition is resolved in an explicit registry
 * (with migrations between versions); a chain that was waiting on children gets its children back
 * first, from their own checkpoints, so it resumes with them.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Persister } from '../persistence/persister.js'
import type { ProcessHandle } from './handle.js'
import type { Runner } from './runner.js'

/**
 * Host a bundle on a runner as a process handle (nothing runs yet). Throws the registry's
 * `CheckpointError` when its definition cannot be resolved.
 */
export const restoreBundle = (
  runner: Runner,
  registry: DefinitionRegistry,
  data: Bundle,
  tag?: string,
): ProcessHandle => {
  const resolved = registry.resolve(data, tag)
  if (E.isLeft(resolved)) throw resolved.left
  const { definition, bundle } = resolved.right
  const inputs = definition.spec.inputs.decode(bundle.inputs)
  if (E.isLeft(inputs)) {
    const problems = inputs.left.map((e) => `${e.path}: ${e.message}`).join('; ')
    throw new CheckpointError('malformed', bundle.pid, tag, `its inputs do not decode: ${problems}`)
  }
  return runner.restore(
    definition,
    bundle.snapshot,
    inputs.right,
    bundle.rawInputs,
    bundle.parentPid,
  )
}

/**
 * Load a process (and, for a waiting chain, the children it waits on) from `persister` onto
 * `runner`. A live process with that pid is returned as it is. Children that were still running
 * are continued on the runner; the loaded process itself is left for the caller to run.
 */
export const loadProcess = async (
  runner: Runner,
  persister: Persister,
  registry: DefinitionRegistry,
  pid: string,
  tag?: string,
): Promise<ProcessHandle> => loadWithChildren(runner, persister, registry, pid, tag, [])

/**
 * `loading` is the chain of processes being loaded above this one: a checkpoint that waits on
 * one of them (itself included) is damaged, and following it would never end.
 */
const loadWithChildren = async (
  runner: Runner,
  persister: Persister,
  registry: DefinitionRegistry,
  pid: string,
  tag: string | undefined,
  loading: readonly string[],
): Promise<ProcessHandle> => {
  const live = runner.get(pid)
  if (live !== undefined) return live
  const data = await persister.loadCheckpoint(pid, tag)
  const state = data.snapshot.state
  const chain = [...loading, pid]
  if (state._tag === 'WAITING')
    for (const pending of state.awaiting) {
      if (pending.done || pending.ref._tag !== 'Child') continue
      const childPid = pending.ref.pid
      if (chain.includes(childPid))
        throw new CheckpointError(
          'cyclic',
          chain[0],
          tag,
          `it waits on itself: ${[...chain, childPid].join(' → ')}`,
        )
      try {
        const child = await loadWithChildren(
          runner,
          persister,
          registry,
          childPid,
          undefined,
          chain,
        )
        if (!child.hasTerminated()) runner.schedule(() => void child.stepUntilTerminated())
      } catch (error) {
        // A child that cannot be reloaded leaves its parent usable; a cycle leaves nothing usable.
        if (!(error instanceof CheckpointError) || error.problem === 'cyclic') throw error
        runner.logger.warn(
          `child ${pending.ref.pid} of ${pid} cannot be reloaded: ${error.message}`,
        )
      }
    }
  return restoreBundle(runner, registry, data, tag)
}

/** Load a process from its checkpoint and run it to its end; resolves to the handle. */
export const continueProcess = async (
  runner: Runner,
  persister: Persister,
  registry: DefinitionRegistry,
  pid: string,
  tag?: string,
): Promise<ProcessHandle> => {
  const process = await loadProcess(runner, persister, registry, pid, tag)
  await process.stepUntilTerminated()
  return process
}
