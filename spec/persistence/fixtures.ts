/**
 * Bundles built by hand, one per kind of checkpoint a process can take, in the canonical form
 * the codec decodes to (so a loaded bundle deep-equals its fixture).
 */
import type { Bundle, DefinitionStamp } from '../../lib/checkpoint/bundle.js'
import type { ProcessSnapshot } from '../../lib/process/snapshot.js'
import type { ProcessState } from '../../lib/process/state.js'

const stamp = (name: string): DefinitionStamp => ({ name, version: 1, hash: '0a1b2c3d' })

const snapshot = (
  pid: string,
  state: ProcessState,
  extra: Partial<ProcessSnapshot> = {},
): ProcessSnapshot => ({
  pid,
  state,
  paused: false,
  status: undefined,
  prePauseStatus: undefined,
  stepping: false,
  pendingPause: undefined,
  pendingKill: undefined,
  closed: state._tag === 'FINISHED' || state._tag === 'EXCEPTED' || state._tag === 'KILLED',
  ctx: {},
  outputs: {},
  ...extra,
})

const bundleOf = (
  pid: string,
  name: string,
  state: ProcessState,
  extra: Partial<ProcessSnapshot> = {},
  more: Partial<Bundle> = {},
): Bundle => ({
  pid,
  definition: stamp(name),
  parentPid: undefined,
  snapshot: snapshot(pid, state, extra),
  inputs: {},
  rawInputs: {},
  ...more,
})

/** A plain process, created, about to run its `run` step with arguments. */
export const created = bundleOf(
  '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0001',
  'Adder',
  { _tag: 'CREATED', position: { _tag: 'Step', step: 'run', args: [1, 'two'] } },
  {},
  { inputs: { a: 1, b: 2 }, rawInputs: { a: '1', b: 2 } },
)

/** A work chain between loop steps: a cursor and a context. */
export const runningChain = bundleOf(
  '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0002',
  'WhileWorkChain',
  { _tag: 'RUNNING', position: { _tag: 'Outline', cursor: [1, 0] }, resumed: true },
  { ctx: { iterator: 2, log: ['a', 'b'], nested: { deep: [{ x: null }] } } },
  { inputs: { steps: 3 } },
)

/** A work chain waiting on two children (one already back) inside a journaled generator step. */
export const waitingOnChildren = bundleOf(
  '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0003',
  'Parent',
  {
    _tag: 'WAITING',
    position: {
      _tag: 'Outline',
      cursor: [2],
      journal: {
        entries: [
          { asked: 'toContext(ok=task)', answer: { ok: true } },
          { asked: 'resume', answer: 42 },
        ],
      },
    },
    message: 'waiting for children',
    data: { hint: 'x' },
    awaiting: [
      {
        key: 'kids',
        ref: { _tag: 'Child', pid: 'child-1' },
        append: true,
        done: true,
        value: { sum: 3 },
      },
      { key: 'kids', ref: { _tag: 'Child', pid: 'child-2' }, append: true, done: false },
      { key: 'timer', ref: { _tag: 'Promise', id: 'p-7' }, append: false, done: false },
    ],
    asked: 'toContext(kids+=launch:Kid#0badf00d,kids+=launch:Kid#0badf00d,timer=task)',
  },
  { ctx: { started: true } },
  { parentPid: 'grandparent-0' },
)

/** A finished process with outputs and a result. */
export const finished = bundleOf(
  '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0004',
  'Adder',
  { _tag: 'FINISHED', result: 3, successful: true, exitStatus: 0, exitMessage: undefined },
  { outputs: { sum: 3, detail: { parts: [1, 2], label: 'é ✓ \u0000' } } },
)

/** An unsuccessful finish keeps its exit code and message. */
export const finishedUnsuccessfully = bundleOf('5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0008', 'Adder', {
  _tag: 'FINISHED',
  result: undefined,
  successful: false,
  exitStatus: 3,
  exitMessage: 'no luck',
})

/** An excepted process keeps its error. */
export const excepted = bundleOf('5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0005', 'Flaky', {
  _tag: 'EXCEPTED',
  error: { name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at step' },
})

/** A killed process keeps its message. */
export const killed = bundleOf('5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0006', 'Sleeper', {
  _tag: 'KILLED',
  message: 'killed by operator',
})

/** A paused, waiting plain process with a status and the status it had before pausing. */
export const pausedWithStatus = bundleOf(
  '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0007',
  'Sleeper',
  {
    _tag: 'WAITING',
    position: { _tag: 'Step', step: 'wake', args: [] },
    message: undefined,
    data: undefined,
    awaiting: [],
    asked: undefined,
  },
  { paused: true, status: 'paused by operator', prePauseStatus: 'sleeping' },
)

/** Every fixture, by name. */
export const FIXTURES: Readonly<Record<string, Bundle>> = {
  created,
  runningChain,
  waitingOnChildren,
  finished,
  finishedUnsuccessfully,
  excepted,
  killed,
  pausedWithStatus,
}

/** A work chain of the B3 benchmarks at its loop cursor, with `ctx = { i }`. */
export const loopCheckpoint = (pid: string, i: number): Bundle =>
  bundleOf(
    pid,
    'LoopChain',
    {
      _tag: 'RUNNING',
      position: { _tag: 'Outline', cursor: [0, 0] },
      resumed: false,
    },
    { ctx: { i } },
  )

/** The same bundle under another pid. */
export const withPid = (bundle: Bundle, pid: string): Bundle => ({
  ...bundle,
  pid,
  snapshot: { ...bundle.snapshot, pid },
})

/**
 * The same bundle WAITING at `step` on children, `{ contextKey: childPid }`: what a chain
 * checkpoints while its children run (or, with a pid of the wrong process, a damaged one).
 */
export const waitingAt = (
  bundle: Bundle,
  children: Readonly<Record<string, string>>,
  step = 'done',
): Bundle => ({
  ...bundle,
  snapshot: {
    ...bundle.snapshot,
    state: {
      _tag: 'WAITING',
      position: { _tag: 'Step', step, args: [] },
      message: undefined,
      data: undefined,
      awaiting: Object.entries(children).map(([key, pid]) => ({
        key,
        ref: { _tag: 'Child', pid },
        append: false,
        done: false,
      })),
      asked: undefined,
    },
  },
})
