/**
 * One interpreter: the runtime and `driveDefinition` run the same loop, reducer and step executor
 * with different effect runners, so a definition calls the same hooks and its listeners hear the
 * same events, in the same order, in both. Scenarios: a run that waits and is resumed, a hook
 * throwing in every position it can be called from, outputs, and a kill or pause asked for
 * inside a step.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  Wait,
  kill,
  out,
  pause,
  type Out,
  type RequestKill,
  type RequestPause,
} from '../../lib/commands/index.js'
import { HOOK_NAMES, type HookName, type ListenerEvent } from '../../lib/process/effects.js'
import type { Hooks, ProcessView } from '../../lib/process/definition.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import type { ProcessListener } from '../../lib/runtime/listener.js'
import { Runner } from '../../lib/runtime/runner.js'
import { driveDefinition } from '../../lib/testing/index.js'

/** What the first step of the subject may yield: its one output, a pause or a kill. */
type Act = Out<'y', number> | RequestPause | RequestKill

/** The same process each time, recording its hooks in `calls`; `throwing` throws once. */
const subject = (calls: string[], throwing: HookName | undefined, run: readonly Act[]) => {
  const thrown = new Set<HookName>()
  const hooks = Object.fromEntries(
    HOOK_NAMES.map((name) => [
      name,
      (_process: ProcessView) => {
        calls.push(name)
        if (name === throwing && !thrown.has(name)) {
          thrown.add(name)
          throw new Error(`${name} threw`)
        }
      },
    ]),
  ) as Hooks
  return defineProcess({
    name: 'Subject',
    spec: { outputs: { y: output(t.number, { required: false }) } },
    hooks,
    steps: {
      *run() {
        for (const command of run) yield command
        return Wait('after', 'waiting for a value')
      },
      after: (_ctx, { args }) => Continue('last', args[0]),
      last: (_ctx, { args }) => args[0],
    },
  })
}

type Heard = { readonly hooks: string[]; readonly events: string[]; readonly state: string }

const describeEvent = (event: ListenerEvent): string =>
  event._tag === 'outputEmitted' ? `output ${event.port}` : event._tag

const throughTheRuntime = async (throwing: HookName | undefined, run: readonly Act[]) => {
  const hooks: string[] = []
  const events: string[] = []
  const hear = (tag: string) => () => void events.push(tag)
  const listener: ProcessListener = {
    onProcessCreated: hear('created'),
    onProcessRunning: hear('running'),
    onProcessWaiting: hear('waiting'),
    onProcessPaused: hear('paused'),
    onProcessPlayed: hear('played'),
    onOutputEmitted: (_p, port) => void events.push(`output ${port}`),
    onProcessFinished: hear('finished'),
    onProcessExcepted: hear('excepted'),
    onProcessKilled: hear('killed'),
  }
  const runner = new Runner({ logger: silentLogger })
  const process = subject(hooks, throwing, run).create(undefined, { runner, listeners: [listener] })
  void process.stepUntilTerminated()
  if (process.paused && !process.hasTerminated()) process.play()
  await new Promise((resolve) => setImmediate(resolve))
  if (process.state === 'WAITING' && !process.paused) process.resume(42)
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  return { hooks, events, state: process.state } satisfies Heard
}

const throughTheDriver = (throwing: HookName | undefined, run: readonly Act[]): Heard => {
  const hooks: string[] = []
  const result = driveDefinition(
    subject(hooks, throwing, run),
    {},
    {
      resumes: [42],
      playPaused: true,
    },
  )
  return { hooks, events: result.events.map(describeEvent), state: result.state }
}

const scenarios: readonly [string, HookName | undefined, readonly Act[]][] = [
  ['a run that waits, is resumed and finishes', undefined, []],
  ['a run that emits an output', undefined, [out('y', 1)]],
  ['a kill asked for inside the first step', undefined, [kill('enough')]],
  ['a pause asked for inside the first step', undefined, [pause('a break')]],
  ['a kill and a pause asked for inside the first step', undefined, [pause(), kill('stop')]],
  ...HOOK_NAMES.map((hook): [string, HookName, readonly Act[]] => [
    `${hook} throwing`,
    hook,
    hook === 'onOutputEmitted'
      ? [out('y', 1)]
      : hook === 'onPause' || hook === 'onPlay'
        ? [pause()]
        : hook === 'onKill' || hook === 'onKilled'
          ? [kill('stop')]
          : hook === 'onExcept' || hook === 'onExcepted'
            ? [out('y', 'not a number' as never)]
            : [],
  ]),
]

describe('the runtime and driveDefinition run one interpreter', () => {
  it.each(scenarios)('%s: the same hooks and events, in the same order', async (_, hook, run) => {
    const runtime = await throughTheRuntime(hook, run).catch((error: unknown) => String(error))
    const driven = (() => {
      try {
        return throughTheDriver(hook, run)
      } catch (error) {
        return String(error)
      }
    })()
    expect(driven).toEqual(runtime)
    if (hook === 'onCreate') expect(runtime).toBe('Error: onCreate threw')
    else if (hook !== undefined) expect((runtime as Heard).hooks).toContain(hook)
  })

  it("calls the hooks of a run that waits and finishes in plumpy's order", async () => {
    const { hooks } = await throughTheRuntime(undefined, [])
    expect(hooks).toEqual([
      'onCreate',
      'onRun',
      'onRunning',
      'onExitRunning',
      'onWait',
      'onWaiting',
      'onExitWaiting',
      'onRun',
      'onRunning',
      'onExitRunning',
      'onRun',
      'onRunning',
      'onExitRunning',
      'onFinish',
      'onFinished',
      'onClose',
      'onTerminated',
    ])
  })

  it('calls onFinish, onExcept and closes once when onFinish throws', async () => {
    const { hooks, state } = await throughTheRuntime('onFinish', [])
    expect(state).toBe('EXCEPTED')
    expect(hooks.slice(hooks.indexOf('onFinish'))).toEqual([
      'onFinish',
      'onFinished',
      'onExcept',
      'onExcepted',
      'onClose',
      'onTerminated',
    ])
  })
})
