/** What the persistence specs share: the store under test, and expectations through the codec. */
import { expect } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import type { Persister } from '../../lib/persistence/persister.js'

/** A fresh store under test, and what the suite needs to reach behind its back. */
export interface PersisterUnderTest {
  readonly persister: Persister
  /** Closes the persister and removes what the store left behind. */
  readonly cleanup: () => Promise<void>
  /** Overwrite the stored form of (pid, tag) with `body` (or garbage), bypassing the persister. */
  readonly corrupt: (pid: string, tag: string | undefined, body?: string) => Promise<void>
  /** Incremental stores: overwrite the latest patch of (pid, tag) with garbage. */
  readonly corruptLatestPatch?: (pid: string, tag: string | undefined) => Promise<void>
  /** A second persister on the same store (closed by `cleanup`), standing for another worker. */
  readonly another?: () => Promise<Persister>
}

/** The JSON text of a bundle, as every store compares it. */
export const textOf = (bundle: Bundle): string => JSON.stringify(encodeCheckpoint(bundle))

/** Expect `loaded` to be `expected` through the codec, and deep-equal as a bundle. */
export const expectSame = (loaded: Bundle, expected: Bundle): void => {
  expect(textOf(loaded)).toBe(textOf(expected))
  expect(loaded).toEqual(expected)
}

/** Expect a rejection with a `CheckpointError` of `problem` naming (pid, tag). */
export const expectCheckpointError = async (
  promise: Promise<unknown>,
  pid: string,
  tag: string | undefined,
  problems: readonly string[],
): Promise<CheckpointError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(CheckpointError)
  const checkpointError = error as CheckpointError
  expect(problems).toContain(checkpointError.problem)
  expect(checkpointError.pid).toBe(pid)
  expect(checkpointError.tag).toBe(tag)
  expect(checkpointError.message).toContain(pid)
  if (tag !== undefined) expect(checkpointError.message).toContain(tag)
  return checkpointError
}
