/**
 * What every store shares: how a tag becomes part of a key, and how stored text becomes a bundle
 * again (or a `CheckpointError` naming the pid, the tag and the reason).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { decodeCheckpoint } from '../checkpoint/codec.js'
import { CheckpointError } from '../checkpoint/errors.js'

/**
 * The tag as a non-null key column. The untagged checkpoint is a tag of its own: it maps to `''`
 * and every string tag (the empty one too) to `'=' + tag`, so no string tag can collide with it.
 * SQL unique keys treat NULLs as distinct, which is why the tag itself cannot be the key.
 */
export const tagKey = (tag: string | undefined): string => (tag === undefined ? '' : `=${tag}`)

/** The tag a `tagKey` came from. */
export const tagOfKey = (key: string): string | undefined => (key === '' ? undefined : key.slice(1))

/** The stored text of a bundle: its compact JSON form (see `checkpoint/text.ts`). */
export { checkpointText } from '../checkpoint/text.js'

/** The error for a checkpoint that is not there. */
export const notFound = (pid: string, tag: string | undefined): CheckpointError =>
  new CheckpointError('not-found', pid, tag, 'no such checkpoint')

/**
 * Decode stored text (or an already parsed value) for (pid, tag). Besides the codec's checks, the
 * checkpoint must belong to the process it is stored under: a file copied to the wrong name, or
 * a row written by hand, must not bring back another process.
 */
export const decodeStored = (
  stored: unknown,
  pid: string,
  tag: string | undefined,
): E.Either<CheckpointError, Bundle> => {
  const source = tag === undefined ? { pid } : { pid, tag }
  const decoded = decodeCheckpoint(stored, source)
  // The codec names the pid the text claims; a store's error names the address that was asked for.
  if (E.isLeft(decoded) && decoded.left.pid !== pid) {
    const { problem, reason, detail } = decoded.left
    const claimed = decoded.left.pid === undefined ? '' : ` (it claims pid '${decoded.left.pid}')`
    return E.left(new CheckpointError(problem, pid, tag, `${reason}${claimed}`, detail))
  }
  if (E.isRight(decoded) && decoded.right.pid !== pid) {
    return E.left(
      new CheckpointError(
        'malformed',
        pid,
        tag,
        `stored under pid '${pid}' but holds the checkpoint of '${decoded.right.pid}'`,
      ),
    )
  }
  return decoded
}

/** `decodeStored` for the Promise API: resolves to the bundle or rejects with the error. */
export const loadStored = (stored: unknown, pid: string, tag: string | undefined): Bundle => {
  const decoded = decodeStored(stored, pid, tag)
  if (E.isLeft(decoded)) throw decoded.left
  return decoded.right
}

/** Addresses in a stable order: by pid, the untagged one first, then by tag. */
export const byAddress = (
  a: { readonly pid: string; readonly tag: string | undefined },
  b: { readonly pid: string; readonly tag: string | undefined },
): number => compare(a.pid, b.pid) || compare(tagKey(a.tag), tagKey(b.tag))

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
