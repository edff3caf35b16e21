/**
 * Revive: find the processes that nobody will continue, and send each a continue task.
 *
 * A process is continued by the task that launched it while that task is in the queue or held
 * by a live worker (a task held past the hold limit is handed on to a continue task, which
 * does the same). Once a `nowait` launch was acknowledged and its worker died, only the store
 * remembers the process: non-terminal, and claimed by nobody. Those are the ones revived.
 * Workers on PostgreSQL do the same by themselves (`recovery.ts`); revive remains for stores
 * whose claims only their worker sees, for processes no worker ever claimed (a `create` task's,
 * or one stored by a program of one's own), and for workers run with recovery off.
 *
 * Safe while workers run: claimed processes are skipped, children come back with their parent
 * (and are never revived on their own: a child whose parent has ended is awaited by nobody,
 * `prune.ts`), and a continue that arrives while someone runs the process is refused by the
 * launcher's claim.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import { WaitGraph } from '../checkpoint/waits.js'
import type { Communicator } from '../comms/communicator.js'
import type { Persister } from '../persistence/persister.js'
import { isTerminal } from '../process/state.js'
import { pidProblem } from '../runtime/pid.js'
import type { Ownership } from './ownership.js'

/** What happened to one stored process. */
export type ReviveOutcome =
  | { readonly _tag: 'Continued'; readonly pid: string; readonly state: string }
  | { readonly _tag: 'Claimed'; readonly pid: string; readonly owner: string }
  | { readonly _tag: 'WithParent'; readonly pid: string; readonly parent: string }
  | { readonly _tag: 'Orphan'; readonly pid: string; readonly parent: string; readonly why: string }
  | { readonly _tag: 'Unresolvable'; readonly pid: string; readonly reason: string }
  | { readonly _tag: 'Failed'; readonly pid: string; readonly reason: string }

/** What revive needs. */
export interface ReviveOptions {
  readonly persister: Persister
  /** Tells who runs what; for a store that several workers share, `PostgresClaims`. */
  readonly ownership: Pick<Ownership, 'ownerOf'>
  readonly communicator: Communicator
  /** The current definitions: processes whose checkpoint they cannot load are reported. */
  readonly registry: DefinitionRegistry
  /** Only look, send nothing. */
  readonly dryRun?: boolean
  /** Told after each stored process is read (`done` of `total`): long on a large store. */
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * Revive every non-terminal, unclaimed process of the store; one outcome per such process.
 *
 * @example
 * const outcomes = await revive({ persister, ownership, communicator, registry })
 * for (const outcome of outcomes) console.log(describeReviveOutcome(outcome))
 */
export const revive = async (options: ReviveOptions): Promise<ReviveOutcome[]> => {
  const { persister, ownership, communicator, registry } = options
  const addresses = (await persister.getCheckpoints()).filter(({ tag }) => tag === undefined)
  const outcomes: ReviveOutcome[] = []
  const states = new Map<string, boolean>() // pid → terminal?
  const graph = new WaitGraph()
  const stored = []
  for (const [index, { pid }] of addresses.entries()) {
    options.onProgress?.(index, addresses.length)
    try {
      const data = await persister.loadCheckpoint(pid)
      states.set(pid, isTerminal(data.snapshot.state))
      graph.add(data)
      stored.push(data)
    } catch (error) {
      outcomes.push({ _tag: 'Unresolvable', pid, reason: reasonOf(error) })
    }
  }
  options.onProgress?.(addresses.length, addresses.length)
  for (const data of stored) {
    const pid = data.pid
    if (isTerminal(data.snapshot.state)) continue
    // Stored before the pid rule: a worker would refuse its continue task as malformed.
    const problem = pidProblem(pid)
    if (problem !== undefined) {
      outcomes.push({
        _tag: 'Unresolvable',
        pid,
        reason: `its pid breaks the pid rule: ${problem}`,
      })
      continue
    }
    // What a worker would refuse to load is reported here, never sent: the worker's refusal
    // would reach nobody (a continue task from revive asks for no answer).
    const resolved = registry.resolve(data)
    const refused = E.isLeft(resolved) ? resolved.left : graph.refusal(data)
    if (refused !== undefined) {
      outcomes.push({ _tag: 'Unresolvable', pid, reason: refused.reason })
      continue
    }
    // A child is loaded by its parent, wherever the parent goes next; a child whose parent has
    // ended is awaited by nobody (typically launched by a step that ran again after a crash).
    const parent = data.parentPid
    if (parent !== undefined) {
      const ended = states.get(parent)
      if (ended === false) outcomes.push({ _tag: 'WithParent', pid, parent })
      else
        outcomes.push({
          _tag: 'Orphan',
          pid,
          parent,
          why: ended === undefined ? 'its parent is not in the store' : 'its parent has ended',
        })
      continue
    }
    try {
      const owner = await ownership.ownerOf(pid)
      if (owner !== undefined) {
        outcomes.push({ _tag: 'Claimed', pid, owner })
        continue
      }
      if (options.dryRun !== true)
        await communicator.taskSend({ task: 'continue', pid }, { noReply: true })
      outcomes.push({ _tag: 'Continued', pid, state: data.snapshot.state._tag })
    } catch (error) {
      outcomes.push({ _tag: 'Failed', pid, reason: reasonOf(error) })
    }
  }
  return outcomes
}

/** One line for an outcome. */
export const describeReviveOutcome = (outcome: ReviveOutcome, dryRun = false): string => {
  switch (outcome._tag) {
    case 'Continued':
      return `${outcome.pid} ${outcome.state}: ${dryRun ? 'would send' : 'sent'} a continue task`
    case 'Claimed':
      return `${outcome.pid} skipped: running on worker ${outcome.owner}`
    case 'WithParent':
      return `${outcome.pid} skipped: comes back with its parent ${outcome.parent}`
    case 'Orphan':
      return `${outcome.pid} skipped: ${outcome.why} (${outcome.parent}), nothing awaits it (plumpy-ts prune removes it)`
    case 'Unresolvable':
      return `${outcome.pid} NOT revived: ${outcome.reason}`
    case 'Failed':
      return `${outcome.pid} NOT revived: ${outcome.reason}`
    default:
      return outcome satisfies never
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
