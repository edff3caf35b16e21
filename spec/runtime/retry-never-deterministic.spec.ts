/**
 * Failures that a retry would build again the same way are never retried: outputs the spec
 * refuses, a replay that diverges from its journal, a yield that is not a command, a duration
 * that cannot be read and a retry policy that cannot be used. Each comes from the step's own code
 * and its context, so the process ends EXCEPTED at once, whatever the policy's `retryOn` says.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import {
  launch,
  out,
  sleep,
  task,
  toContext,
  waitForResume,
  waitForSignal,
} from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { step } from '../../lib/process/declare-step.js'
import { output } from '../../lib/ports/index.js'
import type { AttemptsSpentError } from '../../lib/retry/errors.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { quietRunner, turns } from './helpers.js'
import { onTestClock } from './retry-entry-helpers.js'
import { count, outcome, ran, retry } from './retry-never-helpers.js'
import { Note } from './signal-fixtures.js'

/** Emits a string on a port that takes numbers. */
const BadOutput = defineProcess({
  name: 'BadOutput',
  spec: { outputs: { n: output(t.number) } },
  steps: {
    run: step({ retry }, () => {
      count('BadOutput.run')
      return out('n', 'five' as never)
    }),
  },
})

/** What `Drifting` asks for first: something outside its context, inputs and answers. */
const world = { notesFirst: true }

/** Waits for a note (while `world.notesFirst`), then for a resume. */
const Drifting = defineProcess({
  name: 'Drifting',
  steps: {
    run: step({ retry }, function* () {
      count('Drifting.run')
      if (world.notesFirst) yield* waitForSignal(Note)
      return yield* waitForResume(t.string)
    }),
  },
})

/** Yields a number. */
const NotACommand = defineProcess({
  name: 'NotACommand',
  steps: {
    run: step({ retry }, function* () {
      count('NotACommand.run')
      yield 42 as never
    }),
  },
})

/** Sleeps for a duration that cannot be read. */
const Unreadable = defineProcess({
  name: 'Unreadable',
  steps: {
    run: step({ retry }, function* () {
      count('Unreadable.run')
      yield* sleep('soon' as never)
    }),
  },
})

/** Awaits a task whose retry policy allows no attempt. */
const NoAttempts = defineProcess({
  name: 'NoAttempts',
  steps: {
    run: step({ retry }, function* () {
      count('NoAttempts.run')
      yield* toContext({ answer: task(() => Promise.resolve(1), { retry: { maxAttempts: 0 } }) })
    }),
  },
})

/** Launches `BadOutput`'s twin without a policy of its own, with a retry policy on the entry. */
const BadOutputChild = defineProcess({
  name: 'BadOutputChild',
  spec: { outputs: { n: output(t.number) } },
  steps: {
    run: () => {
      count('BadOutputChild.run')
      return out('n', 'five' as never)
    },
  },
})

const Launcher = defineProcess({
  name: 'OutputLauncher',
  steps: {
    *run() {
      yield* toContext({ child: launch(BadOutputChild, {}, { retry }) })
    },
  },
})

/** The attempts the error says were made (`execute()` rejects with an `AttemptsSpentError`). */
const attemptsOf = (error: Error) => (error as AttemptsSpentError).attempts

describe('a guarded step that fails the same way on every attempt', () => {
  it('ends EXCEPTED at once on an output its port refuses', async () => {
    const { clock, runner } = onTestClock()
    const bad = BadOutput.create(undefined, { runner })
    const error = await outcome(bad, clock, bad.execute())
    expect(error.name).toBe('OutputError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (OutputError is never retried): invalid ' +
        'output \'n\': outputs.n: expected number, got "five"',
    )
    expect(attemptsOf(error)).toBe(1)
    expect(ran.get('BadOutput.run')).toBe(1)
  })

  it('ends EXCEPTED at once when its replay diverges from the journal, not running it afresh', async () => {
    world.notesFirst = true
    const first = Drifting.create(undefined, { runner: quietRunner() })
    void first.stepUntilTerminated()
    first.signal(Note, 'read it')
    await turns()
    expect(first.snapshot.state).toMatchObject({ _tag: 'WAITING', asked: 'resume' })
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(first))
    world.notesFirst = false
    const { clock, runner } = onTestClock()
    const registry = DefinitionRegistry.of(Drifting)
    const reloaded = await loadProcess(runner, persister, registry, first.pid)
    const done = reloaded.execute()
    // It rejects during the turns below; `outcome` reads how.
    done.catch(() => undefined)
    reloaded.resume('yes')
    await turns(10)
    const replayed = ran.get('Drifting.run')
    const error = await outcome(reloaded, clock, done)
    expect(error.name).toBe('NondeterminismError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (NondeterminismError is never retried): ' +
        `process ${first.pid}, step run: replay diverged at journal entry 0: recorded ` +
        'signal(note), yielded resume',
    )
    expect(attemptsOf(error)).toBe(1)
    // A retry used to run it once more, from its start, with no journal to check it against.
    expect(ran.get('Drifting.run')).toBe(replayed)
  })

  it('ends EXCEPTED at once when it yields something that is not a command', async () => {
    const { clock, runner } = onTestClock()
    const process = NotACommand.create(undefined, { runner })
    const error = await outcome(process, clock, process.execute())
    expect(error.name).toBe('NotACommandError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (NotACommandError is never retried): ' +
        'step run yielded 42: a generator step yields commands only',
    )
    expect(attemptsOf(error)).toBe(1)
    expect(ran.get('NotACommand.run')).toBe(1)
  })

  it('ends EXCEPTED at once on a duration that cannot be read', async () => {
    const { clock, runner } = onTestClock()
    const process = Unreadable.create(undefined, { runner })
    const error = await outcome(process, clock, process.execute())
    expect(error.name).toBe('DurationError')
    expect(error.message).toMatch(
      /^step run failed on attempt 1 of 3, not retried \(DurationError is never retried\): cannot read the duration 'soon'/,
    )
    expect(attemptsOf(error)).toBe(1)
    expect(ran.get('Unreadable.run')).toBe(1)
  })

  it('ends EXCEPTED at once on a retry policy that cannot be used', async () => {
    const { clock, runner } = onTestClock()
    const process = NoAttempts.create(undefined, { runner })
    const error = await outcome(process, clock, process.execute())
    expect(error.name).toBe('RetryPolicyError')
    expect(error.message).toBe(
      'step run failed on attempt 1 of 3, not retried (RetryPolicyError is never retried): ' +
        'task.retry.maxAttempts must be a whole number ≥ 1, got 0',
    )
    expect(attemptsOf(error)).toBe(1)
    expect(ran.get('NoAttempts.run')).toBe(1)
  })
})

describe('a retried entry whose child ends on an output its port refuses', () => {
  it('is not launched again', async () => {
    const { clock, runner } = onTestClock()
    const launcher = Launcher.create(undefined, { runner })
    const error = await outcome(launcher, clock, launcher.execute())
    expect(error.name).toBe('OutputError')
    expect(error.message).toBe(
      "entry 'child' failed on attempt 1 of 3, not retried (OutputError is never retried): " +
        'invalid output \'n\': outputs.n: expected number, got "five"',
    )
    expect(attemptsOf(error)).toBe(1)
    expect(ran.get('BadOutputChild.run')).toBe(1)
  })
})
