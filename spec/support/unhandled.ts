/**
 * The promise rejections nobody handled while a test ran: a listener on the process's
 * `unhandledRejection` event, installed before each test of the file that calls it and removed
 * after. Node reports a rejection once the microtasks of its turn have run, so a test turns the
 * event loop (`setImmediate`) after the last rejection it provokes before it reads the list.
 */
import { afterEach, beforeEach } from 'vitest'

/** Record the unhandled rejections of every test in the calling file; read them from the list. */
export const recordUnhandledRejections = (): readonly unknown[] => {
  const seen: unknown[] = []
  const record = (reason: unknown) => {
    seen.push(reason)
  }
  beforeEach(() => {
    seen.length = 0
    process.on('unhandledRejection', record)
  })
  afterEach(() => {
    process.off('unhandledRejection', record)
  })
  return seen
}
