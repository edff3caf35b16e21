/**
 * Where the command line's log lines go: stdout lines are gathered and written together once per
 * turn of the event loop, not one `write` each. A worker logs two lines per process; stdout is
 * usually a pipe or a file, where every write is a synchronous system call of its own.
 *
 * Nothing is lost or reordered: the lines of a turn are written in the order they were logged,
 * before the next turn's; a stderr line (a warning, an error) is written at once, after the
 * stdout lines logged before it; and the program's output is written out when it exits (also by
 * `process.exit`) and before Node reports an uncaught exception or unhandled rejection. Only a
 * program killed outright (SIGKILL, a signal it does not handle) loses its last turn's lines.
 */

/** A stream the log writes text to: `process.stdout`, `process.stderr`, or any other. */
export interface TextSink {
  write(text: string): unknown
}

/** The streams of a {@link LogOutput}: `out` for information, `err` for warnings and errors. */
export interface LogSinks {
  readonly out: TextSink
  readonly err: TextSink
}

/** Log text on its way to two streams, stdout's gathered per turn of the event loop. */
export class LogOutput {
  /** The stdout text of this turn, not written yet. */
  private pending = ''
  private scheduled = false

  constructor(private readonly sinks: LogSinks) {}

  /** Text for stdout, written with the rest of this turn's (at the latest). */
  out(text: string): void {
    this.pending += text
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  /** Text for stderr, written now, after the stdout text logged before it. */
  err(text: string): void {
    this.flush()
    this.sinks.err.write(text)
  }

  /** Writes the stdout text gathered so far, in one write. */
  flush(): void {
    if (this.pending === '') return
    const text = this.pending
    this.pending = ''
    this.sinks.out.write(text)
  }
}

let programOutput: LogOutput | undefined

/**
 * The program's log output on `process.stdout` and `process.stderr` (one per program, so that
 * its lines keep their order), written out on exit and before an uncaught error is reported.
 */
export const processLogOutput = (): LogOutput => {
  if (programOutput !== undefined) return programOutput
  const output = new LogOutput({ out: process.stdout, err: process.stderr })
  // 'exit' comes with process.exit() too, and, on an uncaught exception or unhandled
  // rejection, before Node writes its report of the error.
  process.on('exit', () => output.flush())
  programOutput = output
  return output
}

/** Writes the log lines not written yet, before a message written around the log (stderr). */
export const flushProcessLog = (): void => programOutput?.flush()
