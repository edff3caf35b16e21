/**
 * Progress of long operations: a bar on stderr when it is a terminal, nothing in a pipe (the
 * summary line the command prints at the end is what scripts read).
 */
import cliProgress from 'cli-progress'
import { createInterface } from 'node:readline/promises'

/** Advances a progress display. */
export interface Progress {
  tick(): void
  stop(): void
}

/** A bar of `total` steps labelled `what`, or nothing when stderr is not a terminal. */
export const progressBar = (what: string, total: number): Progress => {
  if (process.stderr.isTTY !== true || total === 0) return { tick: () => {}, stop: () => {} }
  const bar = startBar(what, total, 0)
  return { tick: () => bar.increment(), stop: () => bar.stop() }
}

/** A bar on stderr labelled `what`, started at `done` of `total`. */
const startBar = (what: string, total: number, done: number): cliProgress.SingleBar => {
  const bar = new cliProgress.SingleBar(
    { format: `${what} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, done)
  return bar
}

/**
 * A bar for an operation that reports `(done, total)` as it goes (revive, prune): made when the
 * first report comes, made again when a new pass starts from 0; nothing in a pipe.
 */
export const progressOf = (
  what: string,
): { readonly onProgress: (done: number, total: number) => void; stop(): void } => {
  let bar: cliProgress.SingleBar | undefined
  let shown = -1
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    onProgress(done, total) {
      if (process.stderr.isTTY !== true || total === 0) return
      if (bar === undefined || done < shown) {
        stop()
        bar = startBar(what, total, done)
      } else bar.update(done)
      shown = done
    },
    stop,
  }
}

/**
 * Asks `question` on the terminal and resolves to the answer being yes; without a terminal to
 * ask on, resolves to false (a script says `--yes`).
 */
export const confirm = async (question: string): Promise<boolean> => {
  if (process.stdin.isTTY !== true) return false
  const terminal = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await terminal.question(`${question} [y/N] `)).trim())
  } finally {
    terminal.close()
  }
}
