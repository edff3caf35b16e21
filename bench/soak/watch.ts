/**
 * The soak run's sampler: once a second it reads the store's progress and the server's advisory
 * locks (`pg_locks`), and each live worker's memory (`VmRSS` and the kernel's own peak, `VmHWM`,
 * from /proc/<pid>/status); it keeps the peaks, and prints a progress line every so often. While
 * the database is down the last figures stand, and the line says so.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { advisoryLocks, progressOf, type Progress } from './history.js'

/** A process to watch the memory of. */
export interface Watched {
  readonly name: string
  readonly pid: number
}

/** Peak memory of one worker, in KiB. */
export interface MemoryPeak {
  /** The highest `VmRSS` sampled. */
  rss: number
  /** The kernel's peak resident set (`VmHWM`), as last read. */
  hwm: number
}

const SAMPLE_EVERY_MS = 1_000

/** Reads `VmRSS` and `VmHWM` (KiB) of a live process; undefined once it is gone. */
const memoryOf = (pid: number): { rss: number; hwm: number } | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
    const [rss, hwm] = [field('VmRSS'), field('VmHWM')]
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rss, hwm } : undefined
  } catch {
    return undefined
  }
}

const duration = (ms: number): string => {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}

/** Samples a running soak. */
export class Watch {
  progress: Progress = { endedRoots: 0, finished: 0 }
  peakAdvisoryLocks = 0
  readonly memory = new Map<string, MemoryPeak>()
  /** Samples that could not reach the database. */
  missedSamples = 0
  private databaseDown = false
  private readonly pool: pg.Pool
  private readonly started = Date.now()
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private lastLine = { at: Date.now(), finished: 0 }

  constructor(
    storeUrl: string,
    private readonly options: {
      readonly roots: number
      readonly processes: number
      readonly progressEveryMs: number
      readonly workers: () => readonly Watched[]
      /** More to say on each progress line (launches in flight, the current disruption). */
      readonly status: () => string
    },
  ) {
    this.pool = new pg.Pool({ connectionString: storeUrl, max: 1 })
    // A sample during the database outage fails; an idle connection that breaks must not crash.
    this.pool.on('error', () => undefined)
  }

  /** Starts sampling. */
  start(): void {
    const tick = async () => {
      await this.sample()
      if (Date.now() - this.lastLine.at >= this.options.progressEveryMs) this.printProgress()
      if (!this.stopped) this.timer = setTimeout(() => void tick(), SAMPLE_EVERY_MS)
    }
    void tick()
  }

  /** Takes one sample now. */
  async sample(): Promise<void> {
    for (const worker of this.options.workers()) {
      const now = memoryOf(worker.pid)
      if (now === undefined) continue
      const peak = this.memory.get(worker.name) ?? { rss: 0, hwm: 0 }
      this.memory.set(worker.name, { rss: Math.max(peak.rss, now.rss), hwm: now.hwm })
    }
    try {
      this.progress = await progressOf(this.pool)
      this.peakAdvisoryLocks = Math.max(this.peakAdvisoryLocks, await advisoryLocks(this.pool))
      this.databaseDown = false
    } catch {
      this.missedSamples += 1
      this.databaseDown = true
    }
  }

  /** Prints one progress line. */
  printProgress(): void {
    const now = Date.now()
    const rate =
      ((this.progress.finished - this.lastLine.finished) * 1000) / (now - this.lastLine.at)
    this.lastLine = { at: now, finished: this.progress.finished }
    const rss = [...this.memory.entries()]
      .filter(([name]) => this.options.workers().some((worker) => worker.name === name))
      .map(([name, peak]) => `${name} ${Math.round(peak.rss / 1024)}`)
      .join(', ')
    console.log(
      `[soak] ${duration(now - this.started)}: ` +
        `${this.progress.finished.toLocaleString('en')}/${this.options.processes.toLocaleString('en')} ` +
        `processes finished (${Math.round(rate)}/s), roots ended ` +
        `${this.progress.endedRoots.toLocaleString('en')}/${this.options.roots.toLocaleString('en')}; ` +
        `${this.options.status()}; peak RSS MiB ${rss}; advisory locks peak ${this.peakAdvisoryLocks}` +
        (this.databaseDown ? '; database unreachable' : ''),
    )
  }

  /** Stops sampling and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.pool.end().catch(() => undefined)
  }
}
