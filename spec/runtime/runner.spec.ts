/**
 * Several processes on one runner: they interleave only where they wait. The tutorial's cells on
 * asynchronicity and on pause/play are reproduced here line by line.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { input } from '../../lib/ports/index.js'
import { Continue, pause, task, toContext, Wait } from '../../lib/commands/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { Runner } from '../../lib/runtime/runner.js'
import { manualScheduler, quietRunner } from './helpers.js'

describe('Runner', () => {
  it('runs the steps of a process without giving the loop away (tutorial: asynchronicity)', async () => {
    const lines: string[] = []
    const runner = quietRunner()
    const asyncFn = async () => {
      lines.push('async_fn start')
      await new Promise((resolve) => setTimeout(resolve, 10))
      lines.push('async_fn end')
    }
    const NamedProcess = defineProcess({
      name: 'NamedProcess',
      spec: { inputs: { name: input(t.string) } },
      steps: {
        run(_ctx, { inputs }) {
          lines.push(`${inputs.name} run`)
          return Continue('continueFn')
        },
        continueFn(_ctx, { inputs }) {
          lines.push(`${inputs.name} continued`)
        },
      },
    })
    const process1 = NamedProcess.create({ name: 'process1' }, { runner })
    const process2 = NamedProcess.create({ name: 'process2' }, { runner })
    await Promise.all([asyncFn(), process1.stepUntilTerminated(), process2.stepUntilTerminated()])
    expect(lines).toEqual([
      'async_fn start',
      'process1 run',
      'process1 continued',
      'process2 run',
      'process2 continued',
      'async_fn end',
    ])
  })

  it('lets other processes run while one is paused (tutorial: pausing and playing)', async () => {
    const lines: string[] = []
    const runner = quietRunner()
    const SimpleProcess = defineProcess({
      name: 'SimpleProcess',
      steps: { run: (_ctx, { name }) => void lines.push(name) },
    })
    const PauseProcess = defineProcess({
      name: 'PauseProcess',
      steps: {
        *run(_ctx, { name }) {
          lines.push(`${name}: pausing`)
          yield* pause()
          lines.push(`${name}: continue step`)
          return Continue('nextStep')
        },
        nextStep: (_ctx, { name }) => void lines.push(`${name}: next step`),
      },
    })
    const pauseProc = PauseProcess.create(undefined, { runner })
    const simpleProc = SimpleProcess.create(undefined, { runner })
    const play = async (proc: ProcessHandle) => {
      for (;;) {
        if (proc.paused) {
          lines.push(`${proc.name}: playing (state=${proc.state})`)
          proc.play()
          break
        }
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    await Promise.all([
      pauseProc.stepUntilTerminated(),
      simpleProc.stepUntilTerminated(),
      play(pauseProc),
    ])
    expect(lines).toEqual([
      'PauseProcess: pausing',
      'PauseProcess: continue step',
      'SimpleProcess',
      'PauseProcess: playing (state=RUNNING)',
      'PauseProcess: next step',
    ])
  })

  it('interleaves processes where they wait on tasks, each task after every step of the turn', async () => {
    const lines: string[] = []
    const scheduler = manualScheduler()
    const runner = quietRunner({ scheduler: scheduler.schedule })
    const Chain = defineProcess({
      name: 'Chain',
      spec: { inputs: { name: input(t.string) } },
      steps: {
        *run(_ctx, { inputs }) {
          lines.push(`${inputs.name} step 1`)
          const { value } = yield* toContext({
            value: task(async () => {
              lines.push(`${inputs.name} task`)
              return inputs.name.length
            }),
          })
          lines.push(`${inputs.name} step 2 got ${value}`)
          return value
        },
      },
    })
    const a = Chain.create({ name: 'a' }, { runner })
    const bb = Chain.create({ name: 'bb' }, { runner })
    a.start()
    bb.start()
    const done = Promise.all([a.whenTerminated(), bb.whenTerminated()])
    while (scheduler.pending() > 0) {
      scheduler.runAll()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await done
    expect(lines).toEqual([
      'a step 1',
      'bb step 1',
      'a task',
      'bb task',
      'a step 2 got 1',
      'bb step 2 got 2',
    ])
    expect([a.result(), bb.result()]).toEqual([1, 2])
  })

  it('lists the live processes and forgets them once terminated', async () => {
    const runner = new Runner({ logger: { info() {}, warn() {}, error() {} } })
    const Waits = defineProcess({ name: 'Waits', steps: { run: () => Wait('end'), end() {} } })
    const a = Waits.create(undefined, { runner })
    const b = Waits.create(undefined, { runner })
    expect(runner.list()).toEqual([a, b])
    const done = a.execute()
    a.resume()
    await done
    expect(runner.list()).toEqual([b])
    expect(runner.get(a.pid)).toBeUndefined()
    expect(runner.get(b.pid)).toBe(b)
  })

  it('tells its plugins about creation, every state change and termination', async () => {
    const seen: string[] = []
    const runner = quietRunner({
      plugins: [
        {
          created: (p) => void seen.push(`created ${p.state}`),
          stateChanged: (_p, from, to) => void seen.push(`${String(from)} -> ${to}`),
          terminated: (p) => void seen.push(`terminated ${p.state}`),
        },
      ],
    })
    const P = defineProcess({
      name: 'P',
      steps: { run: () => Continue('next'), next: () => Wait('end'), end() {} },
    })
    const proc = P.create(undefined, { runner })
    const done = proc.execute()
    proc.resume()
    await done
    expect(seen).toEqual([
      'created CREATED',
      'null -> CREATED',
      'CREATED -> RUNNING',
      'RUNNING -> RUNNING',
      'RUNNING -> WAITING',
      'WAITING -> RUNNING',
      'RUNNING -> FINISHED',
      'terminated FINISHED',
    ])
  })
})
