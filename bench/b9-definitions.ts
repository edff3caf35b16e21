/**
 * What B9's workers run (a module of its own, so that `plumpy-ts worker --definitions` can load
 * it): a process that waits for one `ping` signal and checks its payload against the `n` it was
 * launched with, so that a signal delivered to the wrong process ends it EXCEPTED, not FINISHED.
 */
import * as t from 'io-ts'
import { defineProcess, input, out, output, signal, waitForSignal } from '../lib/index.js'

/** The signal B9 sends. */
export const Ping = signal('ping', t.type({ n: t.number }))

/** Waits for one `ping`, fails unless it carries the input `n`, then outputs it. */
export const Waiter = defineProcess({
  name: 'B9Waiter',
  spec: { inputs: { n: input(t.number) }, outputs: { n: output(t.number) } },
  steps: {
    *wait(_ctx, { inputs }) {
      const { n } = yield* waitForSignal(Ping)
      if (n !== inputs.n) throw new Error(`B9Waiter ${inputs.n} was sent ping ${n}`)
      yield* out('n', n)
    },
  },
})
