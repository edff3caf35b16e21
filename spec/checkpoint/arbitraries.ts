/**
 * Random checkpoints for the codec's properties, in both of their forms: bundles in every state
 * (as a checkpoint holds them: between steps, JSON data only), and valid JSON forms written
 * independently of the encoder (every field the form may hold, defaults left out).
 */
import fc from 'fast-check'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import type { CheckpointJson } from '../../lib/checkpoint/codec.js'
import type { ErrorInfo } from '../../lib/process/errors.js'
import type { Journal, Position } from '../../lib/process/position.js'
import type { RetryState } from '../../lib/process/retry-state.js'
import type { ReceivedSignal } from '../../lib/process/snapshot.js'
import type { EntryRetry } from '../../lib/process/entry-retry-state.js'
import { isTerminal, type Pending, type ProcessState } from '../../lib/process/state.js'

const text = fc.string({ maxLength: 6 })
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined })
// As JSON text brings it back (-0 reads as 0).
const json = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
const jsonObject = fc.dictionary(text, json, { maxKeys: 3 })
const nonEmptyObject = fc.dictionary(text, json, { minKeys: 1, maxKeys: 3 })
/** A definition's name: anything but a line break (the stamp is read with `.`). */
const name = fc.stringMatching(/^[^\n\r\u2028\u2029]{1,8}$/)
const hash = fc.stringMatching(/^[0-9a-f]{8}$/)

/** A timer's absolute deadline (ms since the epoch). */
const deadline = fc.integer({ min: 0, max: 2 ** 45 })

const journal: fc.Arbitrary<Journal> = fc
  .array(fc.record({ asked: text, answer: json }), { maxLength: 3 })
  .map((entries) => ({ entries }))

const position: fc.Arbitrary<Position> = fc
  .tuple(
    fc.oneof(
      fc.record({ _tag: fc.constant('Step' as const), step: text, args: fc.array(json) }),
      fc.record({
        _tag: fc.constant('Outline' as const),
        cursor: fc.array(fc.nat(), { maxLength: 4 }),
      }),
    ),
    maybe(journal),
  )
  .map(([position, journal]) => (journal === undefined ? position : { ...position, journal }))

const plainError = fc.record({ name: text, message: text })

/** A retried entry's attempts (`restarting` is never checkpointed). */
const entryRetry: fc.Arbitrary<EntryRetry> = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 9 }),
    used: fc.nat({ max: 8 }),
    initialDelayMs: fc.nat(),
    factor: fc.double({ min: 1, max: 10, noNaN: true }),
    maxDelayMs: maybe(fc.nat()),
    retryOn: fc.boolean(),
    timeoutMs: maybe(fc.nat()),
    timeoutRefused: maybe(text),
    deadline: maybe(deadline),
    lastError: maybe(plainError),
    relaunch: maybe(
      fc
        .tuple(fc.record({ definition: text, inputs: json }), fc.boolean())
        .map(([relaunch, detached]) =>
          detached ? { ...relaunch, detached: true as const } : relaunch,
        ),
    ),
  })
  .map(({ used, timeoutMs, timeoutRefused, relaunch, ...rest }) => ({
    ...rest,
    attempt: Math.min(used + 1, rest.maxAttempts),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(timeoutRefused === undefined ? {} : { timeoutRefused }),
    ...(relaunch === undefined ? {} : { relaunch }),
  }))

const pending: fc.Arbitrary<Pending> = fc
  .record({
    key: text,
    ref: fc.oneof(
      fc.record({ _tag: fc.constant('Child' as const), pid: text }),
      fc.record({
        _tag: fc.constant('Child' as const),
        pid: text,
        detached: fc.constant(true as const),
      }),
      fc.record({ _tag: fc.constant('Promise' as const), id: text }),
      fc.record({ _tag: fc.constant('Timer' as const), deadline: deadline }),
      fc.record({ _tag: fc.constant('Signal' as const), name: text }),
    ),
    append: fc.boolean(),
    done: fc.boolean(),
    value: json,
    timeout: maybe(text),
    retry: maybe(entryRetry),
  })
  .map(({ value, timeout, retry, ...rest }) => ({
    ...(rest.done ? { ...rest, value } : rest),
    ...(timeout === undefined ? {} : { timeout }),
    ...(retry === undefined ? {} : { retry }),
  }))

const error: fc.Arbitrary<ErrorInfo> = fc
  .tuple(fc.record({ name: text, message: text }), maybe(text))
  .map(([info, stack]) => (stack === undefined ? info : { ...info, stack }))

const state: fc.Arbitrary<ProcessState> = fc.oneof(
  fc.record({ _tag: fc.constant('CREATED' as const), position }),
  fc.record({ _tag: fc.constant('RUNNING' as const), position, resumed: fc.boolean() }),
  fc
    .record(
      {
        _tag: fc.constant('WAITING' as const),
        position,
        message: maybe(text),
        data: maybe(json),
        awaiting: fc.array(pending, { maxLength: 3 }),
        asked: maybe(text),
        resumedWith: fc.record({ value: maybe(json) }),
      },
      { requiredKeys: ['_tag', 'position', 'message', 'data', 'awaiting', 'asked'] },
    )
    .chain((waiting) =>
      fc.boolean().map((race) => (race ? { ...waiting, race: true as const } : waiting)),
    ),
  fc.record({
    _tag: fc.constant('FINISHED' as const),
    result: maybe(json),
    successful: fc.boolean(),
    exitStatus: fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 300 })),
    exitMessage: maybe(text),
  }),
  fc.record({ _tag: fc.constant('EXCEPTED' as const), error }),
  fc.record({ _tag: fc.constant('KILLED' as const), message: maybe(text) }),
)

/** A guarded step's attempts (the step starts again at a position without a journal). */
const retry: fc.Arbitrary<RetryState> = fc
  .record({
    step: text,
    args: fc.array(json, { maxLength: 2 }),
    cursor: maybe(fc.array(fc.nat(), { maxLength: 4 })),
    maxAttempts: fc.integer({ min: 1, max: 9 }),
    used: fc.nat({ max: 8 }),
    deadline: maybe(deadline),
    lastError: maybe(plainError),
    failed: maybe(plainError),
  })
  .map(({ step, args, cursor, maxAttempts, used, failed, ...rest }) => ({
    step,
    at:
      cursor === undefined
        ? { _tag: 'Step' as const, step, args }
        : { _tag: 'Outline' as const, cursor },
    attempt: Math.min(used + 1, maxAttempts),
    maxAttempts,
    ...rest,
    ...(failed === undefined ? {} : { failed }),
  }))

/**
 * A non-empty inbox: kept signals, and at most one kept resume (the signal without a name, its
 * value possibly undefined) somewhere among them.
 */
const inbox = fc
  .tuple(
    fc.array(fc.record({ name: text, payload: json }), { maxLength: 3 }),
    maybe(maybe(json).map((payload) => ({ payload }))),
    fc.nat(),
  )
  .map(([named, resume, at]): ReceivedSignal[] => {
    if (resume === undefined) return named
    const index = at % (named.length + 1)
    return [...named.slice(0, index), resume, ...named.slice(index)]
  })
  .filter((entries) => entries.length > 0)

/** A bundle in any state, as `bundle(process)` takes it between steps. */
export const bundleArbitrary: fc.Arbitrary<Bundle> = fc
  .record({
    pid: text,
    definition: fc.record({ name, version: fc.nat(), hash }),
    parentPid: maybe(text),
    state,
    paused: fc.boolean(),
    status: maybe(text),
    prePauseStatus: maybe(text),
    ctx: jsonObject,
    outputs: jsonObject,
    inbox: maybe(inbox),
    retry: maybe(retry),
    inputs: jsonObject,
    rawInputs: fc.oneof(
      jsonObject,
      json.filter((value) => typeof value !== 'object'),
    ),
  })
  .map(({ pid, definition, parentPid, state, inputs, rawInputs, retry, ...snapshot }) => ({
    pid,
    definition,
    parentPid,
    snapshot: {
      pid,
      state,
      ...snapshot,
      ...(retry === undefined ? {} : { retry }),
      stepping: false,
      pendingPause: undefined,
      pendingKill: undefined,
      closed: isTerminal(state),
    },
    inputs,
    rawInputs,
  }))

/** Fields that are there or left out, as one object. */
const some = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>

const positionJson = fc
  .tuple(
    fc.oneof(
      fc
        .record({ step: text })
        .chain((step) =>
          some({ args: fc.array(json, { minLength: 1 }) }).map((args) => ({ ...step, ...args })),
        ),
      fc.record({ at: fc.array(fc.nat(), { maxLength: 4 }) }),
    ),
    some({ journal: fc.array(fc.tuple(text, json), { maxLength: 3 }) }),
  )
  .map(([where, journal]) => ({ ...where, ...journal }))

const entryRetryJson = fc
  .tuple(
    fc
      .record({
        of: fc.integer({ min: 1, max: 9 }),
        used: fc.nat({ max: 8 }),
        delay: fc.nat(),
        factor: fc.double({ min: 1, max: 10, noNaN: true }),
      })
      .map(({ of, used, ...rest }) => ({ n: Math.min(used + 1, of), of, ...rest })),
    some({
      cap: fc.nat(),
      retryOn: fc.constant(true),
      timeout: fc.nat(),
      timeoutRefused: text,
      until: deadline,
      last: plainError,
      launch: fc
        .tuple(fc.record({ def: text, inputs: json }), some({ detached: fc.constant(true) }))
        .map(([a, b]) => ({ ...a, ...b })),
    }),
  )
  .map(([a, b]) => ({ ...a, ...b }))

const pendingJson = fc
  .tuple(
    fc.record({ key: text }),
    fc.oneof(
      fc.record({ child: text }),
      fc.record({ child: text, detached: fc.constant(true) }),
      fc.record({ promise: text }),
      fc.record({ timer: deadline }),
      fc.record({ signal: text }),
    ),
    some({ append: fc.constant(true), timeout: text, retry: entryRetryJson }),
    fc.oneof(
      fc.constant({}),
      some({ value: json }).map((value) => ({ done: true, ...value })),
    ),
  )
  .map((parts) => Object.assign({}, ...parts) as Record<string, unknown>)

const stateJson = fc.oneof(
  positionJson.map((fields) => ({ state: 'CREATED', ...fields })),
  fc
    .tuple(positionJson, some({ resumed: fc.constant(true) }))
    .map(([a, b]) => ({ state: 'RUNNING', ...a, ...b })),
  fc
    .tuple(
      positionJson,
      some({
        msg: text,
        data: json,
        awaiting: fc.array(pendingJson, { minLength: 1, maxLength: 3 }),
        asked: text,
        resumedWith: some({ value: json }),
        race: fc.constant(true),
      }),
    )
    .map(([a, b]) => ({ state: 'WAITING', ...a, ...b })),
  some({
    result: json,
    ok: fc.constant(false),
    exit: fc.integer({ min: 1, max: 300 }),
    exitMsg: text,
  }).map((fields) => ({ state: 'FINISHED', ...fields })),
  error.map((error) => ({ state: 'EXCEPTED', error })),
  some({ msg: text }).map((fields) => ({ state: 'KILLED', ...fields })),
)

const retryJson = fc
  .tuple(
    fc
      .record({ step: text, of: fc.integer({ min: 1, max: 9 }), used: fc.nat({ max: 8 }) })
      .map(({ step, of, used }) => ({ step, n: Math.min(used + 1, of), of })),
    fc.oneof(
      some({ args: fc.array(json, { minLength: 1, maxLength: 2 }) }),
      fc.record({ at: fc.array(fc.nat(), { maxLength: 4 }) }),
    ),
    some({ until: deadline, last: plainError, failed: plainError }),
  )
  .map((parts) => Object.assign({}, ...parts) as Record<string, unknown>)

/** A valid JSON form, written with defaults left out (as the encoder writes them). */
export const checkpointJsonArbitrary: fc.Arbitrary<CheckpointJson> = fc
  .tuple(
    fc.record({
      v: fc.constant(2),
      pid: text,
      def: fc.tuple(name, fc.nat(), hash).map(([n, version, h]) => `${n}@${version}#${h}`),
    }),
    stateJson,
    some({
      parent: text,
      paused: fc.constant(true),
      status: text,
      prePause: text,
      outputs: nonEmptyObject,
      ctx: nonEmptyObject,
      inbox: fc
        .tuple(
          fc.array(fc.tuple(text, json), { maxLength: 3 }),
          maybe(fc.oneof(fc.constant({}), fc.record({ value: json }))),
        )
        .map(([named, resume]) => (resume === undefined ? named : [resume, ...named]))
        .filter((entries) => entries.length > 0),
      retry: retryJson,
      inputs: nonEmptyObject,
      raw: fc.oneof(
        nonEmptyObject,
        json.filter((value) => typeof value !== 'object'),
      ),
    }),
  )
  .map((parts) => Object.assign({}, ...parts) as CheckpointJson)
