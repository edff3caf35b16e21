// Ours (plumpy has no durable time): a chain that sleeps on a durable timer, waits for a signal,
// and retries a flaky task, on a TestClock so that days pass in no time and every line printed is
// the same on every run. `formatWaits` says what the chain waits for, as `list`, `show` and
// `status` print it.
import * as t from 'io-ts'
import {
  Runner,
  defineWorkChain,
  formatWaits,
  out,
  output,
  signal,
  silentLogger,
  sleep,
  step,
  task,
  toContext,
  waitForSignal,
  waitsOf,
  type ProcessHandle,
} from '../../lib/index.js'
import { TestClock } from '../../lib/testing/index.js'
import { isMain } from './is-main.js'

/** The signal the chain waits for. */
export const Approve = signal('approve', t.type({ by: t.string }))

/** How often the flaky service has been called: it fails twice, then answers. */
let calls = 0

const flakyService = async (): Promise<number> => {
  calls += 1
  if (calls <= 2) throw new Error(`service unavailable (call ${calls})`)
  return 42
}

export const Deliberate = defineWorkChain({
  name: 'Deliberate',
  spec: { outputs: { answer: output(t.number), by: output(t.string) }, signals: [Approve] },
  context: () => ({ by: '' }),
  steps: {
    *nap() {
      yield* sleep('1 day')
    },
    *approval(ctx) {
      ctx.by = (yield* waitForSignal(Approve)).by
    },
    fetch: step(
      { retry: { maxAttempts: 3, initialDelay: '10s', factor: 2 }, timeout: '1 min' },
      function* (ctx) {
        const { answer } = yield* toContext({ answer: task(flakyService) })
        yield* out('answer', answer)
        yield* out('by', ctx.by)
      },
    ),
  },
  outline: (s) => [s.nap, s.approval, s.fetch],
})

const waiting = (process: ProcessHandle, clock: TestClock): string =>
  `${process.state}: ${formatWaits(waitsOf(process.snapshot), clock.now())}`

/** Turns the event loop until the process has nothing left to do on this instant. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Runs the cell. */
export async function main(): Promise<void> {
  calls = 0
  const clock = new TestClock(Date.parse('2026-03-01T00:00:00Z'))
  const runner = new Runner({ clock, logger: silentLogger })
  const chain = Deliberate.create({}, { runner })
  const done = chain.execute()
  console.log(waiting(chain, clock))
  clock.advance('1 day')
  await settle()
  console.log(waiting(chain, clock))
  chain.signal(Approve, { by: 'ann' })
  await settle()
  console.log(waiting(chain, clock))
  clock.advance('10s')
  await settle()
  console.log(waiting(chain, clock))
  clock.advance('20s')
  console.log(JSON.stringify(await done))
  console.log(`${chain.state} after ${calls} calls`)
}

if (isMain(import.meta.url)) await main()
