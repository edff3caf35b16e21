/**
 * Type tests: a retry policy and timeouts, on a step and on the awaitables of a step.
 */
import * as t from 'io-ts'
import { describe, expectTypeOf, it } from 'vitest'
import { all, launch, out, race, sleep, task, toContext } from '../../lib/commands/index.js'
import { step } from '../../lib/process/declare-step.js'
import type { RetryPolicy } from '../../lib/retry/policy.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'

const Child = defineProcess({
  name: 'Child',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x) },
})

describe('retry policies', () => {
  it('needs maxAttempts, takes durations in the forms sleep takes, and a retryOn of the error', () => {
    const policy: RetryPolicy = {
      maxAttempts: 3,
      initialDelay: '10s',
      factor: 2,
      maxDelay: '5 min',
      retryOn: (error) => error.name !== 'TypeError',
    }
    expectTypeOf(policy.maxAttempts).toEqualTypeOf<number>()
    // @ts-expect-error maxAttempts is required
    const noAttempts: RetryPolicy = { initialDelay: '1s' }
    // @ts-expect-error a duration must read as one
    const badDelay: RetryPolicy = { maxAttempts: 2, initialDelay: '10 parsecs' }
    // @ts-expect-error retryOn decides from the error, and says yes or no
    const badRetryOn: RetryPolicy = { maxAttempts: 2, retryOn: () => 'yes' }
    void [noAttempts, badDelay, badRetryOn]
  })

  it('declares retry and timeout on a step, keeping the typed results of what it awaits', () => {
    defineProcess({
      name: 'Guarded',
      spec: { outputs: { y: output(t.number) } },
      steps: {
        run: step({ retry: { maxAttempts: 2 }, timeout: '1 min' }, function* () {
          const { child, n } = yield* toContext({
            child: launch(Child, { x: 1 }, { timeout: '30s' }),
            n: task(async () => 2, { timeout: 5_000 }),
          })
          expectTypeOf(child).toEqualTypeOf<{ readonly y: number }>()
          expectTypeOf(n).toEqualTypeOf<number>()
          yield* out('y', child.y + n)
        }),
      },
    })
    // @ts-expect-error a timeout is a duration
    step({ timeout: 'soon' }, () => undefined)
  })

  it('declares retry on a task or a launch, in toContext, race and all, keeping the typed results', () => {
    const policy = { maxAttempts: 3, initialDelay: '10s', factor: 2, maxDelay: '1 min' } as const
    defineProcess({
      name: 'RetriedEntries',
      spec: { outputs: { y: output(t.number) } },
      steps: {
        *run() {
          const { child, n } = yield* toContext({
            child: launch(Child, { x: 1 }, { retry: policy, timeout: '30s' }),
            n: task(async () => 2, { retry: { maxAttempts: 2, retryOn: (e) => e.name !== 'X' } }),
          })
          expectTypeOf(child).toEqualTypeOf<{ readonly y: number }>()
          expectTypeOf(n).toEqualTypeOf<number>()
          const won = yield* race({
            child: launch(Child, { x: 2 }, { retry: policy }),
            late: sleep('1h'),
          })
          const both = yield* all({
            a: task(async () => 'a', { retry: policy }),
            b: launch(Child, { x: 3 }, { retry: policy }),
          })
          expectTypeOf(both.a).toEqualTypeOf<string>()
          yield* out('y', child.y + n + ('child' in won ? won.child.y : 0) + both.b.y)
        },
      },
    })
    // @ts-expect-error maxAttempts is required
    task(async () => 1, { retry: { initialDelay: '1s' } })
    // @ts-expect-error a delay must read as a duration
    launch(Child, { x: 1 }, { retry: { maxAttempts: 2, initialDelay: '10 parsecs' } })
    // @ts-expect-error retryOn says yes or no
    task(async () => 1, { retry: { maxAttempts: 2, retryOn: () => 'yes' } })
  })
})
