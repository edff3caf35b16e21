/**
 * A promise a step hands to `toContext` under `driveDefinition`: the script answers in its place,
 * and what the promise itself does is never read, a rejection included.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { out, toContext } from '../../lib/commands/index.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { driveDefinition } from '../../lib/testing/drive.js'
import { recordUnhandledRejections } from '../support/unhandled.js'

const unhandled = recordUnhandledRejections()

describe('driveDefinition, when a step awaits a promise', () => {
  it('takes the answer from the script, and leaves the rejection of the promise handled', async () => {
    let reject: (error: Error) => void = () => undefined
    const failing = new Promise<number>((_resolve, rejectWith) => (reject = rejectWith))
    const Awaits = defineProcess({
      name: 'Awaits',
      spec: { outputs: { n: output(t.number) } },
      steps: {
        *run() {
          const { n } = yield* toContext({ n: failing })
          yield* out('n', n)
        },
      },
    })
    const run = driveDefinition(Awaits, {}, { answer: () => 7 })
    expect([run.state, run.snapshot.outputs]).toEqual(['FINISHED', { n: 7 }])
    reject(new Error('the promise itself failed'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(unhandled).toEqual([])
  })
})
