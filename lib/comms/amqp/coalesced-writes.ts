/**
 * One socket write per burst of frames instead of one per frame. amqplib's connection gathers
 * what its channels write and, once per turn of the event loop, hands the frames to the socket
 * one by one: on loopback each is a `write` system call, which carries the broker's side of the
 * delivery too, and was the largest single item of a worker's CPU (B7e: a launch's
 * acknowledgement, answer and broadcasts, 13–15 % of a worker's samples, bench/findings/b7e.md).
 * Corking the socket around that hand-over sends the same bytes, in the same order, at the same
 * moment, in one `writev`.
 *
 * This reaches into amqplib's connection (`muxer`, `_readIncoming`, `stream`), so it checks
 * their shape first and says when they are not there (another amqplib than the pinned one).
 */
import type { ChannelModel } from 'amqplib'

/** amqplib's connection internals this relies on. */
interface Muxed {
  readonly stream?: { cork?: () => void; uncork?: () => void }
  readonly muxer?: { _readIncoming?: () => void }
}

/**
 * Makes the connection under `model` write each burst of frames in one system call. Returns
 * why it could not, or `undefined` once done.
 */
export const coalesceWrites = (model: ChannelModel): string | undefined => {
  const { stream, muxer } = model.connection as unknown as Muxed
  const readIncoming = muxer?._readIncoming
  if (stream?.cork === undefined || stream.uncork === undefined || readIncoming === undefined)
    return "amqplib's connection has no muxer or socket of the expected shape"
  const socket = { cork: stream.cork.bind(stream), uncork: stream.uncork.bind(stream) }
  const original = readIncoming.bind(muxer)
  Object.assign(muxer as object, {
    _readIncoming: () => {
      socket.cork()
      try {
        original()
      } finally {
        socket.uncork()
      }
    },
  })
  return undefined
}
