/**
 * Process listeners: objects told synchronously about a process's life. Every callback is
 * optional; a throwing listener is logged and ignored.
 */
import type { ListenerEvent } from '../process/effects.js'
import type { ErrorInfo } from '../process/errors.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { waitsOf, type WaitItem } from '../waits/describe.js'

/** What listeners see of a process (the handle). */
export interface ListenedProcess {
  readonly pid: string
  readonly state: string
  readonly snapshot: ProcessSnapshot
}

/** Callbacks of SEMANTICS.md "Listeners"; `P` is the process handle type. */
export interface ProcessListener<P = any> {
  onProcessCreated?(process: P): void
  onProcessRunning?(process: P): void
  /** `waits`: what it waits for (children, tasks, timers, signals, a retry's backoff). */
  onProcessWaiting?(process: P, waits: readonly WaitItem[]): void
  onProcessPaused?(process: P): void
  onProcessPlayed?(process: P): void
  onOutputEmitted?(process: P, port: string, value: unknown, dynamic: boolean): void
  onProcessFinished?(process: P, outputs: Readonly<Record<string, unknown>>): void
  onProcessExcepted?(process: P, reason: ErrorInfo): void
  onProcessKilled?(process: P, message: string | undefined): void
}

/** Tell one listener about one event, through the callback that matches it. */
export const callListener = <P extends { readonly snapshot: ProcessSnapshot }>(
  listener: ProcessListener<P>,
  process: P,
  event: ListenerEvent,
): void => {
  switch (event._tag) {
    case 'created':
      return listener.onProcessCreated?.(process)
    case 'running':
      return listener.onProcessRunning?.(process)
    case 'waiting':
      return listener.onProcessWaiting?.(process, waitsOf(process.snapshot))
    case 'paused':
      return listener.onProcessPaused?.(process)
    case 'played':
      return listener.onProcessPlayed?.(process)
    case 'outputEmitted':
      return listener.onOutputEmitted?.(process, event.port, event.value, event.dynamic)
    case 'finished':
      return listener.onProcessFinished?.(process, event.outputs)
    case 'excepted':
      return listener.onProcessExcepted?.(process, event.error)
    case 'killed':
      return listener.onProcessKilled?.(process, event.message)
    default:
      return event satisfies never
  }
}
