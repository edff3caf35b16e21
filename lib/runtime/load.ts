/**
 * Bringing processes back from checkpoints. The definition is resolved in an explicit registry
 * (with migrations between versions), and the checkpoint is checked like data received from
 * outside (position, inputs, what it waits on) before anything of it runs; a chain that was
 * waiting on children gets its children back first, from their own checkpoints, so it resumes
 * with them.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry, Resolved } from '../checkpoint/registry.js'
import { awaitedChildren, notItsChild, type AwaitedChild } from '../checkpoint/waits.js'
import type { Persister } from '../persistence/persister.js'
import type { ProcessHandle } from './handle.js'
import type { Runner } from './runner.js'

/**
 * Host a bundle on a runner as a process handle (nothing runs yet). Throws the registry's
 * `CheckpointError` when its definition cannot be resolved or its inputs are not valid.
 */
export const restoreBundle = (
  runner: Runner,
  registry: DefinitionRegistry,
  data: Bundle,
  tag?: string,
): ProcessHandle => host(runner, registry, resolveOrThrow(registry, data, tag))

const resolveOrThrow = (registry: DefinitionRegistry, data: Bundle, tag?: string): Resolved => {
  const resolved = registry.resolve(data, tag)
  if (E.isLeft(resolved)) throw resolved.left
  return resolved.right
}

const host = (
  runner: Runner,
  registry: DefinitionRegistry,
  { definition, bundle, inputs }: Resolved,
): ProcessHandle => {
  const process = runner.restore(
    definition,
    bundle.snapshot,
    inputs,
    bundle.rawInputs,
    bundle.parentPid,
  )
  // A retried child that must be launched again is found by name, as the process itself was.
  process.extras.registry = registry
  return process
}

/**
 * Load a process (and, for a waiting chain, the children it waits on) from `persister` onto
 * `runner`. A live process with that pid is returned as it is. Children that were still running
 * are continued on the runner; the loaded process itself is left for the caller to run. A
 * checkpoint that waits on itself, on a process that waits on it, or on a process that is not
 * its child is refused with a `CheckpointError` ('cyclic', 'not-a-child'), and nothing of it
 * is loaded.
 */
export const loadProcess = async (
  runner: Runner,
  persister: Persister,
  registry: DefinitionRegistry,
  pid: string,
  tag?: string,
): Promise<ProcessHandle> => {
  const live = runner.get(pid)
  if (live !== undefined) return live
  const data = await persister.loadCheckpoint(pid, tag)
  return loadWithChildren({ runner, persister, registry }, data, tag, [])
}

interface Loading {
  readonly runner: Runner
  readonly persister: Persister
  readonly registry: DefinitionRegistry
}

/**
 * `chain` is the chain of processes being loaded above this one: a checkpoint that waits on one
 * of them is damaged, and following it would never end.
 */
const loadWithChildren = async (
  loading: Loading,
  data: Bundle,
  tag: string | undefined,
  chain: readonly string[],
): Promise<ProcessHandle> => {
  const resolved = resolveOrThrow(loading.registry, data, tag)
  const children = awaitedChildren(data)
  // Every child is known to be this process's own before any of them is loaded or run.
  const found: Found[] = []
  for (const child of children)
    found.push(await findChild(loading, data, child, [...chain, data.pid], tag))
  for (const child of found) {
    if (child._tag !== 'Stored') continue
    try {
      const process = await loadWithChildren(loading, child.data, undefined, child.chain)
      if (!process.hasTerminated())
        loading.runner.schedule(() => void process.stepUntilTerminated())
    } catch (error) {
      // A child that cannot be reloaded leaves its parent usable (it fails as a lost child); a
      // cycle leaves nothing of this chain usable.
      if (!(error instanceof CheckpointError) || error.problem === 'cyclic') throw error
      loading.runner.logger.warn(
        `child ${child.data.pid} of ${data.pid} cannot be reloaded: ${error.message}`,
      )
    }
  }
  return host(loading.runner, loading.registry, resolved)
}

type Found =
  | { readonly _tag: 'Live' }
  | { readonly _tag: 'Missing' }
  | { readonly _tag: 'Stored'; readonly data: Bundle; readonly chain: readonly string[] }

/** A child that `data` waits on: live already, stored (and its own), or missing. */
const findChild = async (
  loading: Loading,
  data: Bundle,
  child: AwaitedChild,
  chain: readonly string[],
  tag: string | undefined,
): Promise<Found> => {
  if (chain.includes(child.pid))
    throw new CheckpointError(
      'cyclic',
      chain[0],
      tag,
      `it waits on itself: ${[...chain, child.pid].join(' → ')}`,
    )
  const live = loading.runner.get(child.pid)
  if (live !== undefined) {
    const stranger = notItsChild(data, child, live.parentPid, tag)
    if (stranger !== undefined) throw stranger
    return { _tag: 'Live' }
  }
  let stored: Bundle
  try {
    stored = await loading.persister.loadCheckpoint(child.pid)
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error
    loading.runner.logger.warn(
      `child ${child.pid} of ${data.pid} cannot be reloaded: ${error.message}`,
    )
    return { _tag: 'Missing' }
  }
  const stranger = notItsChild(data, child, stored.parentPid, tag)
  if (stranger !== undefined) throw stranger
  return { _tag: 'Stored', data: stored, chain }
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
