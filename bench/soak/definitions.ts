/**
 * The soak run's workload: the module its workers load (`--definitions`).
 *
 * - `SoakWork`: `run` continues to `report` (`Continue`, with an argument), which emits the
 *   outputs. Every transition is checkpointed, so `run` has a checkpoint past it before
 *   `report` starts.
 * - `SoakChain`: `rounds` rounds of one generator step that launches a `SoakWork` child and waits
 *   for it inside itself (`toContext`: the chain is WAITING, checkpointed with its journal), then
 *   adds its value up; then `finish` emits the outputs.
 *
 * Observing executions: with `PLUMPY_SOAK_RECORD=<file>` in the environment, each execution of
 * `SoakWork.run`, `SoakWork.report`, the end of a `SoakChain.round` (after its wait: the part a
 * replay from the journal reaches once) and `SoakChain.finish` gets an execution id and appends
 * `<execution id> <process pid> <step> <index>` to that file, synchronously (the line is in the
 * kernel before the step returns, so a worker killed right after it cannot lose it; lines of
 * several workers never interleave, and their order is the order of the executions). The step
 * puts the id in its process's state (`Continue`'s argument, the context, the `executions`
 * output), so the checkpoint that commits the step's effect names it. That is what the soak run
 * counts "run twice past a checkpoint" from (`repeats.ts`): an execution that comes after an
 * execution of the same step whose id a committed checkpoint holds. The record is a side effect
 * kept for observation only.
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import * as t from 'io-ts'
import {
  Continue,
  defineProcess,
  defineWorkChain,
  input,
  launch,
  out,
  output,
  step,
  toContext,
  while_,
} from '../../lib/index.js'

/** What execution ids look like: `soakrun-<worker tag>-<n>` (the commit trigger's pattern). */
export const EXECUTION_ID_PATTERN = 'soakrun-[0-9a-f]{8}-[0-9]+'

/** Tells the executions of this worker apart from those of any other, a restarted one included. */
const workerTag = randomBytes(4).toString('hex')
let executions = 0

/** Records one execution of `step` of process `pid`; returns its id. */
const recordExecution = (pid: string, stepName: string, index: number): string => {
  executions += 1
  const id = `soakrun-${workerTag}-${executions}`
  const file = process.env['PLUMPY_SOAK_RECORD']
  if (file !== undefined && file !== '') appendFileSync(file, `${id} ${pid} ${stepName} ${index}\n`)
  return id
}

/** One unit of work: squares its index, in two steps with a checkpoint between them. */
export const SoakWork = defineProcess({
  name: 'SoakWork',
  spec: {
    inputs: { index: input(t.number) },
    outputs: { value: output(t.number), executions: output(t.array(t.string)) },
  },
  steps: {
    run: (_ctx, { pid, inputs }) => Continue('report', recordExecution(pid, 'run', inputs.index)),
    report: step({ args: t.tuple([t.string]) }, function* (_ctx, { pid, inputs, args }) {
      yield* out('value', inputs.index * inputs.index)
      yield* out('executions', [args[0], recordExecution(pid, 'report', inputs.index)])
    }),
  },
})

interface SoakChainContext {
  i: number
  total: number
  /** The execution ids of the rounds done. */
  runs: string[]
}

/** `rounds` rounds, each a `SoakWork` child waited for: outputs the sum of the squares below. */
export const SoakChain = defineWorkChain({
  name: 'SoakChain',
  spec: {
    inputs: { rounds: input(t.number) },
    outputs: {
      total: output(t.number),
      rounds: output(t.number),
      executions: output(t.array(t.string)),
    },
  },
  context: (): SoakChainContext => ({ i: 0, total: 0, runs: [] }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.rounds,
    *round(ctx, { pid }) {
      const { work } = yield* toContext({ work: launch(SoakWork, { index: ctx.i }) })
      ctx.runs.push(recordExecution(pid, 'round', ctx.i))
      ctx.total += work.value
      ctx.i += 1
    },
    *finish(ctx, { pid }) {
      yield* out('total', ctx.total)
      yield* out('rounds', ctx.i)
      yield* out('executions', [...ctx.runs, recordExecution(pid, 'finish', ctx.i)])
    },
  },
  outline: (s) => [while_(s.more)(s.round), s.finish],
})

/** The sum of the squares below `n`: a `SoakChain` of `n` rounds outputs it as `total`. */
export const expectedTotal = (n: number): number => ((n - 1) * n * (2 * n - 1)) / 6

/** A root of the soak: a `SoakWork` with its index, or a `SoakChain` (of the run's rounds). */
export interface SoakRoot {
  readonly kind: 'Work' | 'Chain'
  readonly index: number
}

/**
 * What is wrong with `outputs` as the outputs of `root` run to its end (chains of `rounds`
 * rounds), or undefined when nothing is: the values, and one execution id per step that
 * records one.
 */
export const outputsProblem = (
  root: SoakRoot,
  rounds: number,
  outputs: unknown,
): string | undefined => {
  const [values, steps] =
    root.kind === 'Work'
      ? [{ value: root.index * root.index }, 2]
      : [{ total: expectedTotal(rounds), rounds }, rounds + 1]
  const { executions, ...rest } = (outputs ?? {}) as Record<string, unknown>
  const isId = (id: unknown) => typeof id === 'string' && EXECUTION_ID.test(id)
  const fine =
    isDeepStrictEqual(rest, values) &&
    Array.isArray(executions) &&
    executions.length === steps &&
    executions.every(isId)
  return fine
    ? undefined
    : `outputs ${JSON.stringify(outputs)}, expected ${JSON.stringify(values)} and ${steps} execution ids`
}

const EXECUTION_ID = new RegExp(`^${EXECUTION_ID_PATTERN}$`)
