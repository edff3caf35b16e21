/**
 * `resume`, `pause`, `play` and `kill` on live processes, from outside and from inside a step
 * (through the step API), with the promises they return (SEMANTICS.md "Pause, play, kill").
 */
import { describe, expect, it } from 'vitest'
import { Continue, Wait, toContext, waitForResume } from '../../lib/process/commands.js'
import { launch } from '../../lib/process/awaitables.js'
import { InvalidStateError, KilledError } from '../../lib/process/errors.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { StepApi } from '../../lib/process/step-api.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { manualScheduler, quietRunner, rejectionOf, turns } from './helpers.js'

/** A process of two steps that records which ran; `run` may act through its step API. */
const twoSteps = (act: (api: StepApi) => void) => {
  const ran: string[] = []
  const definition = defineProcess({
    name: 'TwoSteps',
    steps: {
      run(_ctx, api) {
        ran.push('run')
        act(api)
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
  it('is an InvalidStateError when the process is not WAITING', async () => {
    const runner = quietRunner()
    const proc = Waiter.create(undefined, { runner })
    expect(() => proc.resume()).toThrow(InvalidStateError)
    void proc.execute()
    proc.resume(1)
    await proc.whenTerminated()
    expect(() => proc.resume()).toThrow(InvalidStateError)
  })

  it('is idempotent right after a resume: the first value wins', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    proc.resume('first')
    expect(() => proc.resume('second')).not.toThrow()
    await done
    expect(proc.result()).toBe('first')
  })
})

describe('ProcessHandle.pause and play', () => {
  it('pauses from inside a step after the step: the promise resolves true, the next step waits', async () => {
    let paused: Promise<boolean> | undefined
    const { ran, definition } = twoSteps((api) => {
      paused = api.pause('from inside') as Promise<boolean>
    })
    const proc = definition.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(ran).toEqual(['run'])
    expect(proc.paused).toBe(true)
    expect(proc.state).toBe('RUNNING')
    expect(proc.status).toBe('from inside')
    await expect(paused).resolves.toBe(true)
    await turns()
    expect(ran).toEqual(['run'])
    expect(proc.play()).toBe(true)
    await done
    expect(ran).toEqual(['run', 'nextStep'])
    expect(proc.status).toBeUndefined()
  })

  it('cancels a pause asked for in the same step when played: the pause resolves false', async () => {
    let paused: Promise<boolean> | undefined
    let played: boolean | undefined
    const { ran, definition } = twoSteps((api) => {
      paused = api.pause() as Promise<boolean>
      played = api.play()
    })
    const proc = definition.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(played).toBe(true)
    await expect(paused).resolves.toBe(false)
    expect(ran).toEqual(['run', 'nextStep'])
  })

  it('pauses a WAITING process at once from outside; it stays paused after resume until played', async () => {
    const proc = Waiter.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    await expect(proc.pause('hold')).resolves.toBe(true)
    expect(proc.paused).toBe(true)
    expect(proc.state).toBe('WAITING')
    proc.resume('v')
    await turns()
    expect(proc.state).toBe('RUNNING')
    expect(proc.paused).toBe(true)
    proc.play()
    await done
    expect(proc.result()).toBe('v')
  })

  it('pauses a CREATED process at once; it takes no step until played', async () => {
    const { ran, definition } = twoSteps(() => {})
    const proc = definition.create(undefined, { runner: quietRunner() })
    await expect(proc.pause()).resolves.toBe(true)
    const done = proc.execute()
    await turns()
    expect(ran).toEqual([])
    expect(proc.state).toBe('RUNNING')
    proc.play()
    await done
    expect(ran).toEqual(['run', 'nextStep'])
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

  it('resolves a pause asked for in the last step true, leaving the process FINISHED and paused', async () => {
    let paused: Promise<boolean> | undefined
    const Last = defineProcess({
      name: 'Last',
      steps: {
        run(_ctx, api) {
          paused = api.pause() as Promise<boolean>
          return 42
        },
      },
    })
    const proc = Last.create(undefined, { runner: quietRunner() })
    await proc.execute()
    expect(proc.state).toBe('FINISHED')
    expect(proc.paused).toBe(true)
    await expect(paused).resolves.toBe(true)
  })
})

describe('ProcessHandle.kill', () => {
  it('kills gracefully from inside a step: the step ends, its next step never runs', async () => {
    let killed: Promise<boolean> | undefined
    const { ran, definition } = twoSteps((api) => {
      killed = api.kill('from inside') as Promise<boolean>
      // Still running: a graceful kill waits for the step to finish.
      expect(api.state).toBe('RUNNING')
    })
    const proc = definition.create(undefined, { runner: quietRunner() })
    const error = await rejectionOf(proc.execute())
    expect(error).toBeInstanceOf(KilledError)
    expect((error as Error).message).toBe('from inside')
    await expect(killed).resolves.toBe(true)
    expect(proc.state).toBe('KILLED')
    expect(proc.status).toBe('from inside')
    expect(ran).toEqual(['run'])
  })

  it('kills by force from inside a step at once: KILLED, the rest of the step discarded', async () => {
    let stateAfterKill: string | undefined
    const Forced = defineProcess({
      name: 'Forced',
      spec: {},
      steps: {
        run(ctx, api) {
          void api.kill('forced', { force: true })
          stateAfterKill = api.state
          ctx['touched'] = true
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
    expect(stateAfterKill).toBe('KILLED')
    expect(proc.ctx).toEqual({})
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
    let paused: Promise<boolean> | undefined
    let killed: Promise<boolean> | undefined
    const { ran, definition } = twoSteps((api) => {
      paused = api.pause() as Promise<boolean>
      killed = api.kill('k') as Promise<boolean>
    })
    const proc = definition.create(undefined, { runner: quietRunner() })
    await rejectionOf(proc.execute())
    await expect(paused).resolves.toBe(false)
    await expect(killed).resolves.toBe(true)
    expect(proc.state).toBe('KILLED')
    expect(proc.paused).toBe(false)
    expect(ran).toEqual(['run'])
  })

  it('kills a paused process and leaves nothing running', async () => {
    const scheduler = manualScheduler()
    const runner = quietRunner({ scheduler: scheduler.schedule })
    let paused: Promise<boolean> | undefined
    const { ran, definition } = twoSteps((api) => {
      paused = api.pause() as Promise<boolean>
    })
    const proc = definition.create(undefined, { runner })
    const done = rejectionOf(proc.execute())
    scheduler.runAll()
    expect(proc.paused).toBe(true)
    await expect(paused).resolves.toBe(true)
    await expect(proc.kill('stop')).resolves.toBe(true)
    expect(proc.state).toBe('KILLED')
    expect(proc.paused).toBe(false)
    scheduler.runAll()
    await turns()
    expect(ran).toEqual(['run'])
    expect(scheduler.pending()).toBe(0)
    expect(runner.list()).toEqual([])
    expect(proc.snapshot.closed).toBe(true)
    expect(await done).toBeInstanceOf(KilledError)
    proc.play()
    scheduler.runAll()
    expect(ran).toEqual(['run'])
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
