/**
 * `runStep`: call one step of a definition on a context snapshot and inputs, with no runner, no
 * timers and no Promise, and see what it did: the next context snapshot, the outputs it emitted,
 * the awaitables it registered and the command it returned or yielded.
 */
import { createDraft, current, finishDraft, freeze } from 'immer'
import { initialContext } from '../process/context.js'
import { isCommand, type Command, type ToContextEntry } from '../process/commands.js'
import type { ProcessDefinition, StepGenerator } from '../process/definition.js'
import type { EmittedOutput } from '../process/events.js'
import { MutableStepApi, type StepRecord } from '../process/step-api.js'
import { parseInputs } from './inputs.js'

/** What to run a step on. Everything is optional. */
export interface StepInput<Ctx> {
  /** The context snapshot (default: the definition's initial context for these inputs). */
  readonly ctx?: Ctx
  /** Raw inputs, parsed and defaulted through the spec as `create` would. */
  readonly inputs?: unknown
  /** Outputs emitted before this step. */
  readonly outputs?: Readonly<Record<string, unknown>>
  /** Arguments, as `Continue(step, ...args)` or `resume(value)` would pass them. */
  readonly args?: readonly unknown[]
  /** Answers to give a generator step's suspensions (`toContext`, `waitForResume`), in order. */
  readonly answers?: readonly unknown[]
}

/** A pause or kill a step asked for. */
export type ControlRequest =
  | { readonly _tag: 'pause'; readonly message: string | undefined }
  | { readonly _tag: 'play' }
  | { readonly _tag: 'kill'; readonly message: string | undefined; readonly force: boolean }

/** What one step did. */
export interface StepRun<Ctx> {
  /** The context after the step, frozen. */
  readonly ctx: Ctx
  /** All outputs after the step. */
  readonly outputs: Readonly<Record<string, unknown>>
  /** The outputs this step emitted, in order. */
  readonly emitted: readonly EmittedOutput[]
  /** The step's return value (a predicate's boolean, a command, or undefined). */
  readonly returned: unknown
  /** The command the step returned, or the first unanswered one a generator yielded. */
  readonly command: Command | undefined
  /** Awaitables registered with `api.toContext` or a returned/yielded `ToContext`. */
  readonly awaitables: readonly ToContextEntry[]
  /** Pause, play and kill calls made from inside the step. */
  readonly requests: readonly ControlRequest[]
}

/** Run the step (or predicate) named `step` of `definition`. */
export const runStep = <Ctx = any>(
  definition: ProcessDefinition,
  step: string,
  input: StepInput<Ctx> = {},
): StepRun<Ctx> => {
  const steps = stepsOf(definition)
  const fn = steps[step]
  if (fn === undefined)
    throw new Error(
      `${definition.name} has no step '${step}' (its steps: ${Object.keys(steps).join(', ')})`,
    )
  const inputs = parseInputs(definition, input.inputs)
  const requests: ControlRequest[] = []
  const api = new MutableStepApi('test-pid', definition.name, inputs, definition.spec.outputs, {
    pause: (message) => (requests.push({ _tag: 'pause', message }), true),
    play: () => (requests.push({ _tag: 'play' }), true),
    kill: (message, options) => (
      requests.push({ _tag: 'kill', message, force: options?.force ?? false }),
      true
    ),
  })
  const record: StepRecord = {
    outputs: input.outputs ?? {},
    emitted: [],
    entries: [],
    checkpoints: [],
    replaying: false,
  }
  api.record = record
  api.state = 'RUNNING'
  api.args = input.args ?? []
  const ctx = input.ctx ?? initialContext(definition.context(inputs))
  const draft = createDraft(ctx as object)
  const returned = fn(draft as never, api)
  let command = isCommand(returned) ? returned : undefined
  let finalCtx: unknown
  if (isGenerator(returned)) {
    command = driveGenerator(returned, draft as Record<string, unknown>, api, input.answers ?? [])
    finalCtx = freeze(current(draft), true)
  } else {
    finalCtx = freeze(finishDraft(draft), true)
  }
  api.record = undefined
  const awaitables = [...record.entries, ...(command?._tag === 'ToContext' ? command.entries : [])]
  return {
    ctx: finalCtx as Ctx,
    outputs: record.outputs,
    emitted: record.emitted,
    returned,
    command,
    awaitables,
    requests,
  }
}

const driveGenerator = (
  generator: StepGenerator,
  draft: Record<string, unknown>,
  api: MutableStepApi,
  answers: readonly unknown[],
): Command | undefined => {
  let index = 0
  let next = generator.next()
  for (;;) {
    if (next.done === true) return isCommand(next.value) ? next.value : undefined
    const yielded: unknown = next.value
    if ((yielded as { _tag?: unknown } | null | undefined)?._tag === 'Out') {
      const out = yielded as { port: string; value: unknown }
      api.out(out.port, out.value)
      next = generator.next()
      continue
    }
    if (!isCommand(yielded)) throw new Error(`a generator step yielded ${String(yielded)}`)
    const suspends =
      yielded._tag === 'ToContext' || (yielded._tag === 'Wait' && yielded.step === undefined)
    if (!suspends || index >= answers.length) return yielded
    const answer = answers[index++]
    // As when the process runs: awaited results also land in the context under their keys.
    if (yielded._tag === 'ToContext') feed(draft, yielded.entries, answer)
    next = generator.next(answer)
  }
}

const feed = (
  draft: Record<string, unknown>,
  entries: readonly ToContextEntry[],
  answer: unknown,
): void => {
  const results = (answer ?? {}) as Record<string, unknown>
  for (const key of new Set(entries.map((entry) => entry.key))) {
    const value = results[key]
    if (entries.some((entry) => entry.key === key && entry.append)) {
      const list = Array.isArray(draft[key]) ? (draft[key] as unknown[]) : []
      draft[key] = [...list, ...(Array.isArray(value) ? value : [value])]
    } else {
      draft[key] = value
    }
  }
}

const stepsOf = (definition: ProcessDefinition) => definition.steps

const isGenerator = (value: unknown): value is StepGenerator =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StepGenerator).next === 'function' &&
  typeof (value as StepGenerator)[Symbol.iterator] === 'function'
