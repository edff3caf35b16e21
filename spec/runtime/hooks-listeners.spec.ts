/**
 * Definition hooks and process listeners as a live process calls them (SEMANTICS.md "Process
 * lifecycle" hooks and "Listeners").
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { namespace, output } from '../../lib/ports/index.js'
import { Kill, out, Wait } from '../../lib/commands/index.js'
import type { Hooks, ProcessView } from '../../lib/process/definition.js'
import { HOOK_NAMES, type HookName } from '../../lib/process/effects.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import type { ProcessListener } from '../../lib/runtime/listener.js'
import { quietRunner, recordingListener, recordingLogger, rejectionOf } from './helpers.js'

/** Hooks that write down their name (and arguments), and throw when told to. */
const recordingHooks = (throwIn?: HookName, error = new Error(`${String(throwIn)} failed`)) => {
  const calls: string[] = []
  const pids = new Set<string>()
  const hooks: Hooks = Object.fromEntries(
    HOOK_NAMES.map((name) => [
      name,
      (process: ProcessView, ...args: unknown[]) => {
        pids.add(process.pid)
        calls.push(
          args.length === 0 ? name : `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`,
        )
        if (name === throwIn) throw error
      },
    ]),
  )
  return { calls, pids, hooks, error }
}

const waitsThen42 = (hooks: Hooks) =>
  defineProcess({ name: 'WaitsThen42', hooks, steps: { run: () => Wait('end'), end: () => 42 } })

describe('definition hooks', () => {
  it('are called in plumpy order for a run that waits then returns 42', async () => {
    const { calls, pids, hooks } = recordingHooks()
    const proc = waitsThen42(hooks).create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.state).toBe('WAITING')
    proc.resume()
    await done
    expect(calls).toEqual([
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
      'onFinish(42, true)',
      'onFinished',
      'onClose',
      'onTerminated',
    ])
    expect([...pids]).toEqual([proc.pid])
  })

  it('are called for outputs, pause, play and kill, with their arguments', async () => {
    const { calls, hooks } = recordingHooks()
    const P = defineProcess({
      name: 'P',
      hooks,
      spec: { outputs: { y: output(t.number) } },
      steps: {
        *run(_ctx) {
          yield* out('y', 1)
          return Wait('end')
        },
        end() {},
      },
    })
    const proc = P.create(undefined, { runner: quietRunner() })
    const done = rejectionOf(proc.execute())
    await proc.pause('p')
    proc.play()
    await proc.kill('k')
    await done
    expect(calls.filter((c) => /Output|Pause|Play|Kill/.test(c))).toEqual([
      'onOutputEmitted("y", 1, false)',
      'onPause("p")',
      'onPlay',
      'onKill("k")',
      'onKilled',
    ])
  })

  it('turn the process EXCEPTED with the error a hook throws', async () => {
    const { calls, hooks, error } = recordingHooks('onWaiting')
    const proc = waitsThen42(hooks).create(undefined, { runner: quietRunner() })
    expect(await rejectionOf(proc.execute())).toBe(error)
    expect(proc.state).toBe('EXCEPTED')
    expect(proc.exception()).toBe(error)
    expect(calls).toContain(
      `onExcept(${JSON.stringify({ name: 'Error', message: error.message, stack: error.stack })})`,
    )
  })

  it('fail the creation when onCreate throws: create() throws that error, nothing is created', () => {
    const { hooks, error } = recordingHooks('onCreate')
    const created: string[] = []
    const runner = quietRunner({ plugins: [{ created: (p) => void created.push(p.pid) }] })
    expect(() => waitsThen42(hooks).create(undefined, { runner })).toThrow(error)
    expect(created).toEqual([])
    expect(runner.list()).toEqual([])
  })

  for (const finishing of ['onFinish', 'onFinished'] as const)
    it(`turn a finishing process EXCEPTED when ${finishing} throws, closing it once`, async () => {
      const { calls, hooks, error } = recordingHooks(finishing)
      const terminated: string[] = []
      const runner = quietRunner({ plugins: [{ terminated: (p) => void terminated.push(p.pid) }] })
      const P = defineProcess({ name: 'P', hooks, steps: { run: () => 42 } })
      const proc = P.create(undefined, { runner })
      expect(await rejectionOf(proc.execute())).toBe(error)
      expect(proc.state).toBe('EXCEPTED')
      expect(calls.filter((c) => c === 'onClose')).toHaveLength(1)
      expect(calls.filter((c) => c === 'onTerminated')).toHaveLength(1)
      expect(calls.at(-1)).toBe('onTerminated')
      expect(terminated).toEqual([proc.pid])
    })
})

describe('process listeners', () => {
  it('hear every callback, with their arguments', async () => {
    const runner = quietRunner()
    const finishing = recordingListener()
    const Finishes = defineProcess({
      name: 'Finishes',
      spec: { outputs: { y: output(t.number) } },
      steps: {
        *run(_ctx) {
          yield* out('y', 2)
          return Wait('end')
        },
        end() {},
      },
    })
    const proc = Finishes.create(undefined, { runner, listeners: [finishing.listener] })
    const done = proc.execute()
    await proc.pause()
    proc.play()
    proc.resume()
    await done
    expect(finishing.heard).toEqual([
      'created CREATED',
      'running RUNNING',
      'output y=2',
      'waiting WAITING',
      'paused',
      'played',
      'running RUNNING',
      'finished {"y":2}',
    ])

    const excepting = recordingListener()
    const Throws = defineProcess({
      name: 'Throws',
      steps: {
        run() {
          throw new Error('the reason')
        },
      },
    })
    await rejectionOf(
      Throws.create(undefined, { runner, listeners: [excepting.listener] }).execute(),
    )
    expect(excepting.heard).toEqual(['created CREATED', 'running RUNNING', 'excepted the reason'])

    const killing = recordingListener()
    const Killed = defineProcess({ name: 'Killed', steps: { run: () => Kill('the message') } })
    await rejectionOf(Killed.create(undefined, { runner, listeners: [killing.listener] }).execute())
    expect(killing.heard).toEqual(['created CREATED', 'running RUNNING', 'killed the message'])
  })

  it('hear out(x), out(y dynamic), wait, pause, play, resume in plumpy order', async () => {
    const { heard, listener } = recordingListener()
    const P = defineProcess({
      name: 'P',
      spec: {
        outputs: { x: output(t.number), y: namespace({}, { dynamic: true }) },
      },
      steps: {
        *run(_ctx) {
          yield* out('x', 1)
          yield* out('y.z', 2)
          return Wait('end')
        },
        end() {},
      },
    })
    const proc = P.create(undefined, { runner: quietRunner() })
    proc.addProcessListener(listener)
    const done = proc.execute()
    await proc.pause()
    proc.play()
    proc.resume()
    await done
    expect(heard).toEqual([
      'running RUNNING',
      'output x=1',
      'output y.z=2 (dynamic)',
      'waiting WAITING',
      'paused',
      'played',
      'running RUNNING',
      'finished {"x":1,"y":{"z":2}}',
    ])
  })

  it('hear created only when given at creation', async () => {
    const early = recordingListener()
    const late = recordingListener()
    const P = defineProcess({ name: 'P', steps: { run() {} } })
    const proc = P.create(undefined, { runner: quietRunner(), listeners: [early.listener] })
    proc.addProcessListener(late.listener)
    await proc.execute()
    expect(early.heard[0]).toBe('created CREATED')
    expect(late.heard).toEqual(['running RUNNING', 'finished {}'])
  })

  it('are ignored after a throw, which is logged; other listeners still hear', async () => {
    const { lines, logger } = recordingLogger()
    const runner = quietRunner({ logger })
    const throwing: ProcessListener<ProcessHandle> = {
      onProcessRunning() {
        throw new Error('listener broke')
      },
    }
    const { heard, listener } = recordingListener()
    const P = defineProcess({ name: 'P', steps: { run: () => 'ok' } })
    const proc = P.create(undefined, { runner, listeners: [throwing, listener] })
    await expect(proc.execute()).resolves.toEqual({})
    expect(proc.result()).toBe('ok')
    expect(proc.isSuccessful).toBe(true)
    expect(heard).toEqual(['created CREATED', 'running RUNNING', 'finished {}'])
    expect(lines).toEqual([expect.stringMatching(/^warn: .*listener broke/)])
  })

  it('hear nothing more once removed', async () => {
    const { heard, listener } = recordingListener()
    const P = defineProcess({ name: 'P', steps: { run: () => Wait('end'), end() {} } })
    const proc = P.create(undefined, { runner: quietRunner(), listeners: [listener] })
    const done = proc.execute()
    proc.removeProcessListener(listener)
    proc.resume()
    await done
    expect(heard).toEqual(['created CREATED', 'running RUNNING', 'waiting WAITING'])
  })

  it('may resume the process they are told is waiting (tutorial: listeners)', async () => {
    const lines: string[] = []
    const waitListener: ProcessListener<ProcessHandle> = {
      onProcessRunning: (p) => void lines.push(p.state),
      onProcessWaiting(p) {
        lines.push(p.state)
        p.resume()
      },
    }
    const WaitProcess = defineProcess({
      name: 'WaitProcess',
      steps: { run: () => Wait('resumeFn'), resumeFn() {} },
    })
    const proc = WaitProcess.create(undefined, { runner: quietRunner() })
    lines.push(proc.state)
    proc.addProcessListener(waitListener)
    await proc.execute()
    lines.push(proc.state)
    expect(lines).toEqual(['CREATED', 'RUNNING', 'WAITING', 'RUNNING', 'FINISHED'])
  })
})
