/**
 * Process listeners: objects told synchronously about a process's life. Every callback is
 * optional; a throwing listener is logged and ignored.
 */
import type { ErrorInfo } from '../process/errors.js'

/** What listeners see of a process (the handle). */
export interface ListenedProcess {
  readonly pid: string
  readonly state: string
}

/** Callbacks of SEMANTICS.md "Listeners"; `P` is the process handle type. */
export interface ProcessListener<P = any> {
  onProcessCreated?(process: P): void
  onProcessRunning?(process: P): void
  onProcessWaiting?(process: P): void
  onProcessPaused?(process: P): void
  onProcessPlayed?(process: P): void
  onOutputEmitted?(process: P, port: string, value: unknown, dynamic: boolean): void
  onProcessFinished?(process: P, outputs: Readonly<Record<string, unknown>>): void
  onProcessExcepted?(process: P, reason: ErrorInfo): void
  onProcessKilled?(process: P, message: string | undefined): void
}
