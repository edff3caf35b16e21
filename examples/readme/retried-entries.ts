// Retrying one awaited entry: a task (or a launched child) declares its own retry policy and
// timeout. A failed attempt does not fail the wait: the entry waits on a durable backoff timer,
// then starts again; listeners hear each backoff (`onProcessWaiting`).
import * as t from 'io-ts'
import {
  defineProcess,
  out,
  output,
  Runner,
  silentLogger,
  task,
  toContext,
} from '../../lib/index.js'

let calls = 0
/** A flaky service: down for the first two calls. */
const callService = async (): Promise<number> => {
  calls += 1
  if (calls < 3) throw new Error(`service down (call ${calls})`)
  return 42
}

export const Fetcher = defineProcess({
  name: 'Fetcher',
  spec: { outputs: { answer: output(t.number) } },
  steps: {
    *run() {
      const { answer } = yield* toContext({
        answer: task(callService, {
          retry: { maxAttempts: 5, initialDelay: '20ms', factor: 2, maxDelay: '1s' },
          timeout: '5s', // each attempt's
        }),
      })
      yield* out('answer', answer)
    },
  },
})

const process = Fetcher.create(
  {},
  {
    runner: new Runner({ logger: silentLogger }),
    listeners: [
      {
        onProcessWaiting: (_process, waits) => {
          for (const wait of waits)
            if (wait.kind === 'backoff')
              console.log(`attempt ${wait.attempt} of ${wait.maxAttempts} after ${wait.lastError}`)
        },
      },
    ],
  },
)
console.log(await process.execute()) // { answer: 42 }, on the third call
