/**
 * A wait that fails to start (an entry cannot be started: a child's inputs are refused) fails the
 * step once, with that error; what the wait had started before it is cancelled as a race's
 * losers are: a promise is abandoned (its rejection handled, its result dropped), a child killed.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { launch, out, toContext, waitForResume } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner, recordingListener, turns } from './helpers.js'

const unhandled = recordUnhandledRejections()

const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

/** Waits for a resume, so that only a kill ends it. */
const Patient = defineProcess({
  name: 'Patient',
  steps: {
    *run() {
      yield* waitForResume()
    },
  },
})

/** A promise the test rejects when it likes. */
const rejectable = () => {
  let reject: (error: Error) => void = () => undefined
  const promise = new Promise<number>((_resolve, rejectWith) => (reject = rejectWith))
  return { promise, reject }
}

describe('a wait whose child is refused its inputs', () => {
  it('fails the process once, and leaves the promise awaited beside it handled', async () => {
    const beside = rejectable()
    const Parent = defineProcess({
      name: 'Parent',
      steps: {
        *run() {
          yield* toContext({ first: beside.promise, child: launch(Double, { x: 'one' } as never) })
        },
      },
    })
    const { heard, listener } = recordingListener()
    const parent = Parent.create(undefined, { runner: quietRunner(), listeners: [listener] })
    await expect(parent.execute()).rejects.toThrow(/^invalid inputs for Double/)
    beside.reject(new Error('too late'))
    await turns(5)
    expect(unhandled).toEqual([])
    expect(parent.state).toBe('EXCEPTED')
    expect(parent.exception()?.name).toBe('InvalidInputsError')
    expect(heard.filter((line) => line.startsWith('excepted'))).toEqual([
      expect.stringMatching(/^excepted invalid inputs for Double/),
    ])
  })

  it('kills the child it launched before the refused one', async () => {
    const runner = quietRunner()
    const Parent = defineProcess({
      name: 'Parent',
      steps: {
        *run() {
          yield* toContext({
            patient: launch(Patient),
            child: launch(Double, { x: 'one' } as never),
          })
        },
      },
    })
    const parent = Parent.create(undefined, { runner })
    await expect(parent.execute()).rejects.toThrow(/^invalid inputs for Double/)
    await turns(5)
    expect(runner.list()).toEqual([])
  })
})
