/**
 * What B9's workers run (a module of its own, so that `plumpy-ts worker --definitions` can load
 * it): a process that waits for one `ping` signal and outputs its payload, so that every answer
 * can be checked against what was sent.
 */
import * as t from 'io-ts'
import { defineProcess, out, output, signal, waitForSignal } from '../lib/index.js'

/** The signal B9 sends. */
export const Ping = signal('ping', t.type({ n: t.number }))

/** Waits for one `ping`, then outputs its `n`. */
export const Waiter = defineProcess({
  name: 'B9Waiter',
  spec: { outputs: { n: output(t.number) } },
  steps: {
    *wait() {
      const { n } = yield* waitForSignal(Ping)
      yield* out('n', n)
    },
  },
})
