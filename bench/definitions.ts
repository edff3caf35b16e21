/**
 * The work chains the workloads run, written once so that every workload runs the same code as
 * BENCH.md describes it, and a persister wrapper that counts the checkpoints actually written.
 */
import * as t from 'io-ts'
import {
  defineWorkChain,
  input,
  out,
  output,
  while_,
  type Bundle,
  type PersistedCheckpoint,
  type Persister,
} from '../lib/index.js'

/**
 * B1, B3 and B6: `while_(i < N)(inc)` with `ctx.i += 1`. `N` is the input `n`, so that one
 * definition serves every size (B6 needs N = 10 + the steps already taken).
 */
export const Loop = defineWorkChain({
  name: 'Loop',
  spec: { inputs: { n: input(t.number) } },
  context: () => ({ i: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    inc(ctx) {
      ctx.i += 1
    },
  },
  outline: (s) => [while_(s.more)(s.inc)],
})

/**
 * B2, B4 and B5: a trivial 3-step work chain whose last step emits one output. The output is the
 * input, so that a run (or a reload) can be checked: `y === x`.
 */
export const ThreeSteps = defineWorkChain({
  name: 'ThreeSteps',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: {
    first() {},
    second() {},
    third: (_ctx, { inputs }) => out('y', inputs.x),
  },
  outline: (s) => [s.first, s.second, s.third],
})

/** Counts the checkpoints written through it, by the state they record. */
export class CountingPersister implements Persister {
  saves = 0
  readonly byState = new Map<string, number>()
  /**
   * The most saves ever in flight at once. 1 means the store saw one save at a time: with a
   * group-committing store, each checkpoint was then committed by itself.
   */
  maxInFlight = 0
  private inFlight = 0

  constructor(private readonly inner: Persister) {}

  async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await this.inner.saveCheckpoint(bundle, tag)
    } finally {
      this.inFlight -= 1
    }
    this.saves += 1
    const state = bundle.snapshot.state._tag
    this.byState.set(state, (this.byState.get(state) ?? 0) + 1)
  }

  loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    return this.inner.loadCheckpoint(pid, tag)
  }

  getCheckpoints(): Promise<PersistedCheckpoint[]> {
    return this.inner.getCheckpoints()
  }

  getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    return this.inner.getProcessCheckpoints(pid)
  }

  deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    return this.inner.deleteCheckpoint(pid, tag)
  }

  deleteProcessCheckpoints(pid: string): Promise<void> {
    return this.inner.deleteProcessCheckpoints(pid)
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  /** Forget the counts (between runs). */
  reset(): void {
    this.saves = 0
    this.maxInFlight = 0
    this.byState.clear()
  }
}
