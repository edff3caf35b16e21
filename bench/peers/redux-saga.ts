/**
 * redux-saga on the workloads of `bench/peers/`. A saga is a generator whose yielded effects the
 * middleware runs; it keeps nothing: no snapshot of where a saga is can be taken, so a saga that
 * stops with its process starts again from the top (there is no P3 or P4 row for it).
 *
 * Sagas run here through `runSaga` on a store of two functions (`getState`, `dispatch`) and the
 * middleware's standard channel: what `createSagaMiddleware` wires into a Redux store, without
 * the Redux package.
 */
import { runSaga, stdChannel, type Saga } from 'redux-saga'
import { call, put, select } from 'redux-saga/effects'
import { check, timed, type Timing } from '../harness.js'

interface Counter {
  readonly i: number
}

const INC = { type: 'inc' } as const

/** A store whose one action increments `i`, immutably, as a Redux reducer would. */
const counterStore = () => {
  let state: Counter = { i: 0 }
  const channel = stdChannel()
  return {
    channel,
    getState: () => state,
    dispatch: (action: { type: string }) => {
      if (action.type === INC.type) state = { i: state.i + 1 }
      channel.put(action)
    },
  }
}

/** Run `saga(n)` on `store` to its end; its return value. */
const runToEnd = <R>(
  store: ReturnType<typeof counterStore>,
  saga: Saga<[number]>,
  n: number,
): Promise<R> => runSaga(store, saga, n).toPromise() as Promise<R>

/** `while (i < n) i += 1` with the counter in the store: a `select`, then a `put`, per step. */
function* storeLoop(n: number): Generator<unknown, void, number> {
  while ((yield select((state: Counter) => state.i)) < n) yield put(INC)
}

/** P1, `select`/`put`: one saga of `n` steps, the counter in the store (the primary row). */
export const sagaStoreLoop = (n: number): Promise<Timing> =>
  timed(async () => {
    const store = counterStore()
    await runToEnd(store, storeLoop, n)
    check(store.getState().i === n, `the store's counter ended at ${n}`)
  })

const increment = (i: number) => i + 1

/** `while (i < n) i = yield call(increment, i)`: the counter in the generator, a `call` per step. */
function* callLoop(n: number): Generator<unknown, number, number> {
  let i = 0
  while (i < n) i = yield call(increment, i)
  return i
}

/** P1, `call`: one saga of `n` steps, each a `call` of a function. */
export const sagaCallLoop = (n: number): Promise<Timing> =>
  timed(async () => {
    const i = await runToEnd<number>(counterStore(), callLoop, n)
    check(i === n, `the saga's counter ended at ${n}`)
  })

const nothing = () => {}
const same = (x: number) => x

/** B2's chain: three `call`s, the last giving the output y = x. */
function* threeSteps(x: number): Generator<unknown, { y: number }, number> {
  yield call(nothing)
  yield call(nothing)
  const y = yield call(same, x)
  return { y }
}

/** P2: `count` sagas started on one store, then their results awaited together. */
export const sagaThreeSteps = async (count: number): Promise<Timing> => {
  let outputs: { y: number }[] = []
  const timing = await timed(async () => {
    const store = counterStore()
    const tasks = []
    for (let x = 0; x < count; x++) tasks.push(runSaga(store, threeSteps, x))
    outputs = (await Promise.all(tasks.map((task) => task.toPromise()))) as { y: number }[]
  })
  check(outputs.length === count && outputs.every((o, x) => o.y === x), 'every saga gave y = x')
  return timing
}
