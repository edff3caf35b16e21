/**
 * `resume`, `pause`, `play` and `kill` on live processes, from outside (the handle's promises)
 * and from inside a step (yielded commands), as SEMANTICS.md "Pause, play, kill" describes.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Continue,
  Wait,
  kill,
  launch,
  out,
  pause,
  play,
  toContext,
  waitForResume,
  type RequestKill,
  type RequestPause,
  type RequestPlay,
} from '../../lib/commands/index.js'
import { output } from '../../lib/ports/index.js'
import { InvalidStateError, KilledError } from '../../lib/process/errors.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { InvalidResumeValueError } from '../../lib/runtime/resume-check.js'
import { manualScheduler, quietRunner, rejectionOf, turns } from './helpers.js'

/** A process of two steps that records which ran; `run` yields `commands` first. */
const twoSteps = (...commands: (RequestPause | RequestPlay | RequestKill)[]) => {
  const ran: string[] = []
  const definition = defineProcess({
    name: 'TwoSteps',
    steps: {
      *run() {
        ran.push('run')
        for (const command of commands) yield command
        ran.push('run ended')
        return Continue('nextStep')
      },
      nextStep() {
        ran.push('nextStep')
        return 'done'
      },
    },
  })
  return { ran, definition }
}

const Waiter = defineProcess({
  name: 'Waiter',
  steps: { run: () => Wait('end'), end: (_ctx, { args }) => args[0] },
})

describe('ProcessHandle.resume', () => {
  it('keeps a resume sent before the process waits, and is an InvalidStateError once terminated', async () => {
    const runner = quietRunner()
    const proc = Waiter.create(undefined, { runner })
    expect(() => proc.resume('early')).not.toThrow()
    expect(proc.snapshot.inbox).toEqual([{ payload: 'early' }])
    await proc.execute()
    expect(proc.result()).toBe('early')
    expect(() => proc.resume()).toThrow(InvalidStateError)
    expect(() => proc.resume()).toThrow(/has terminated \(FINISHED\): resume refused/)
  })

  it('is idempotent right after a resume: the first value wins', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    proc.resume('first')
    expect(() => proc.resume('second')).not.toThrow()
    await done
    expect(proc.result()).toBe('first')
  })

  it("refuses a value the waiting step's codec does not decode, naming why; nothing changes", async () => {
    const Asks = defineProcess({
      name: 'Asks',
      spec: { outputs: { n: output(t.number) } },
      steps: {
        *run() {
          const n = yield* waitForResume(t.type({ n: t.number }), 'a count')
          yield* out('n', n.n)
        },
      },
    })
    const proc = Asks.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(() => proc.resume({ n: 'x' })).toThrow(InvalidResumeValueError)
    expect(() => proc.resume({ n: 'x' })).toThrow(/resume value: n: expected number, got "x"/)
    expect(proc.state).toBe('WAITING')
    proc.resume({ n: 3 })
    await expect(done).resolves.toEqual({ n: 3 })
  })
})

describe('ProcessHandle.pause and play', () => {
  it('pauses from inside a step after the step: the next step waits until played', async () => {
    const { ran, definition } = twoSteps(pause('from inside'))
    const proc = definition.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(ran).toEqual(['run', 'run ended'])
    expect(proc.paused).toBe(true)
    expect(proc.state).toBe('RUNNING')
    expect(proc.status).toBe('from inside')
    await turns()
    expect(ran).toEqual(['run', 'run ended'])
    expect(proc.play()).toBe(true)
    await done
    expect(ran).toEqual(['run', 'run ended', 'nextStep'])
    expect(proc.status).toBeUndefined()
  })

  it('cancels a pause asked for in the same step with play(): the process goes on', async () => {
    const { ran, definition } = twoSteps(pause(), play())
    const proc = definition.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.paused).toBe(false)
    expect(ran).toEqual(['run', 'run ended', 'nextStep'])
  })

  it('pauses a WAITING process at once from outside; it stays paused after resume until played', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    await expect(proc.pause('hold')).resolves.toBe(true)
    expect(proc.paused).toBe(true)
    expect(proc.state).toBe('WAITING')
    proc.resume('v')
    await turns()
    expect(proc.state).toBe('WAITING')
    expect(proc.paused).toBe(true)
    proc.play()
    await done
    expect(proc.result()).toBe('v')
  })

  it('pauses a CREATED process at once; it takes no step until played', async () => {
    const { ran, definition } = twoSteps()
    const proc = definition.create(undefined, { runner: quietRunner() })
    await expect(proc.pause()).resolves.toBe(true)
    const done = proc.execute()
    await turns()
    expect(ran).toEqual([])
    expect(proc.state).toBe('RUNNING')
    proc.play()
    await done
    expect(ran).toEqual(['run', 'run ended', 'nextStep'])
  })

  it('answers true when already paused and false once terminated', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    await proc.pause()
    await expect(proc.pause()).resolves.toBe(true)
    proc.play()
    proc.resume(1)
    await done
    await expect(proc.pause()).resolves.toBe(false)
  })

  it('leaves the process FINISHED and paused when its last step asked for a pause', async () => {
    const Last = defineProcess({
      name: 'Last',
      steps: {
        *run() {
          yield* pause()
          return 42
        },
      },
    })
    const proc = Last.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.state).toBe('FINISHED')
    expect(proc.paused).toBe(true)
  })

  it('defers a pause asked for from outside while a step runs, and answers true after it', async () => {
    let paused: Promise<boolean> | undefined
    const handle: { proc?: ProcessHandle } = {}
    const Self = defineProcess({
      name: 'Self',
      steps: {
        run() {
          paused = handle.proc?.pause('asked mid-step')
          return Continue('next')
        },
        next: () => 'done',
      },
    })
    const proc = Self.create(undefined, { runner: quietRunner() })
    handle.proc = proc
    const done = proc.execute()
    expect(proc.paused).toBe(true)
    await expect(paused).resolves.toBe(true)
    proc.play()
    await done
    expect(proc.result()).toBe('done')
  })
})

describe('ProcessHandle.kill', () => {
  it('kills gracefully from inside a step: the step ends, its next step never runs', async () => {
    const { ran, definition } = twoSteps(kill('from inside'))
    const proc = definition.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(error).toBeInstanceOf(KilledError)
    expect((error as Error).message).toBe('from inside')
    expect(proc.state).toBe('KILLED')
    expect(proc.status).toBe('from inside')
    expect(ran).toEqual(['run', 'run ended'])
  })

  it('kills gracefully from inside the last step: KILLED, not FINISHED, and execute() rejects', async () => {
    const Last = defineProcess({
      name: 'Last',
      steps: {
        *run() {
          yield* pause()
          yield* kill('asked in the last step')
          return 42
        },
      },
    })
    const proc = Last.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(error).toBeInstanceOf(KilledError)
    expect(proc.state).toBe('KILLED')
    expect(proc.paused).toBe(false)
    expect(() => proc.result()).toThrow(KilledError)
  })

  it('kills by force from inside a step at once: KILLED, the rest of the step discarded', async () => {
    const ran: string[] = []
    const Forced = defineProcess({
      name: 'Forced',
      spec: { outputs: { y: output(t.number) } },
      steps: {
        *run(ctx) {
          ctx['touched'] = true
          yield* out('y', 1)
          yield* kill('forced', { force: true })
          ran.push('after the kill')
          return Continue('nextStep')
        },
        nextStep: () => 'never',
      },
    })
    const proc = Forced.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.state).toBe('KILLED')
    const error = await rejectionOf(done)
    expect(error).toBeInstanceOf(KilledError)
    expect((error as Error).message).toBe('forced')
    expect(ran).toEqual([])
    expect(proc.ctx).toEqual({})
    expect(proc.outputs).toEqual({})
    expect(proc.snapshot.stepping).toBe(false)
  })

  it('kills a WAITING process at once from outside', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    await expect(proc.kill('enough')).resolves.toBe(true)
    expect(proc.state).toBe('KILLED')
    expect(await rejectionOf(done)).toBeInstanceOf(KilledError)
  })

  it('answers true for a KILLED process and false for a FINISHED one', async () => {
    const killed = Waiter.create(undefined, { runner: quietRunner() })
    void killed.execute().catch(() => {})
    await killed.kill()
    await expect(killed.kill('again')).resolves.toBe(true)
    const finished = Waiter.create(undefined, { runner: quietRunner() })
    const done = finished.execute()
    finished.resume(1)
    await done
    await expect(finished.kill()).resolves.toBe(false)
    expect(finished.state).toBe('FINISHED')
  })

  it('wins over a pause asked for in the same step', async () => {
    const { ran, definition } = twoSteps(pause(), kill('k'))
    const proc = definition.create(undefined, { runner: quietRunner() })
    await rejectionOf(proc.execute())
    expect(proc.state).toBe('KILLED')
    expect(proc.paused).toBe(false)
    expect(ran).toEqual(['run', 'run ended'])
  })

  it('kills a paused process and leaves nothing running', async () => {
    const scheduler = manualScheduler()
    const runner = quietRunner({ scheduler: scheduler.schedule })
    const { ran, definition } = twoSteps(pause())
    const proc = definition.create(undefined, { runner })
    const done = rejectionOf(proc.execute())
    scheduler.runAll()
    expect(proc.paused).toBe(true)
    await expect(proc.kill('stop')).resolves.toBe(true)
    expect(proc.state).toBe('KILLED')
    expect(proc.paused).toBe(false)
    scheduler.runAll()
    await turns()
    expect(ran).toEqual(['run', 'run ended'])
    expect(scheduler.pending()).toBe(0)
    expect(runner.list()).toEqual([])
    expect(proc.snapshot.closed).toBe(true)
    expect(await done).toBeInstanceOf(KilledError)
    proc.play()
    scheduler.runAll()
    expect(ran).toEqual(['run', 'run ended'])
  })

  it('kills the children a killed process waits on', async () => {
    const runner = quietRunner()
    const Child = defineProcess({ name: 'Child', steps: { run: () => Wait('end'), end() {} } })
    const Parent = defineProcess({
      name: 'Parent',
      steps: {
        *run() {
          yield* toContext({ child: launch(Child) })
        },
      },
    })
    const parent = Parent.create(undefined, { runner })
    void parent.execute().catch(() => {})
    await turns()
    expect(parent.state).toBe('WAITING')
    const childProc: ProcessHandle | undefined = runner.list().find((p) => p.name === 'Child')
    expect(childProc?.state).toBe('WAITING')
    await parent.kill('stop the family')
    await turns()
    expect(childProc?.state).toBe('KILLED')
    expect(childProc?.status).toBe('stop the family')
  })

  it('leaves the children alone when the definition opts out', async () => {
    const runner = quietRunner()
    const Child = defineProcess({ name: 'Child', steps: { run: () => Wait('end'), end() {} } })
    const Parent = defineProcess({
      name: 'Parent',
      killChildren: false,
      steps: {
        *run() {
          yield* waitForResume()
          yield* toContext({ child: launch(Child) })
        },
      },
    })
    const parent = Parent.create(undefined, { runner })
    void parent.execute().catch(() => {})
    parent.resume()
    await turns()
    const child = runner.list().find((p) => p.name === 'Child')
    expect(child?.state).toBe('WAITING')
    await parent.kill()
    await turns()
    expect(child?.state).toBe('WAITING')
  })
})
