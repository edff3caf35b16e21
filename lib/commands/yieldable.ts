/**
 * What makes a command a command: a brand that `isCommand` recognises (also across two copies of
 * the library), and an iterator so that a step can delegate to it with `yield*`. Delegating
 * yields the command itself, and `yield*` evaluates to the answer the interpreter gives back:
 *
 *   const { sq } = yield* toContext({ sq: launch(Square, { x: 2 }) })  // the results
 *   yield* out('y', 2)                                                  // nothing
 *
 * Commands are classes only for speed (a step makes one or two); they hold data and nothing
 * else, so two commands built alike are `toEqual`.
 */

/** The brand every command carries on its prototype. */
export const COMMAND: unique symbol = Symbol.for('plumpy-ts.command') as never

/** The base of every command: `_tag` names its kind; `A` is what `yield*` gives back. */
export abstract class Yieldable<A = void> {
  abstract readonly _tag: string
  declare readonly [COMMAND]: true;

  /** Yields this command once and returns the answer the interpreter sends back. */
  *[Symbol.iterator](): Generator<this, A, unknown> {
    return (yield this) as A
  }
}
Object.defineProperty(Yieldable.prototype, COMMAND, { value: true })

/** True for any command, whatever its kind. */
export const isCommand = (value: unknown): value is Yieldable<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  (value as { [COMMAND]?: unknown })[COMMAND] === true
