/**
 * What production does to workers, along the soak run, each once the store says a share of the
 * roots has ended and while some are under way: a worker SIGKILLed and replaced at once (20 %),
 * the broker restarted (45 %), the database stopped for a while and started again (70 %). Each
 * is timed and told.
 */
import type { Cluster } from './cluster.js'

/** One disruption, as it happened. */
export interface Disruption {
  readonly what: string
  /** Roots ended when it began. */
  readonly atRoots: number
  /** Roots launched and not yet ended when it began: what it disrupted. */
  readonly inFlight: number
  /** Since the start of the run, ms. */
  readonly startedAt: number
  readonly tookMs: number
}

/** The run cannot go on as planned: no progress for too long, or nothing left to disrupt. */
export class StalledError extends Error {}

/** Resolves once `ended()` reaches `target`; rejects when it stays put for `stallMs`. */
export const untilEnded = async (
  ended: () => number,
  target: number,
  options: { readonly stallMs: number; readonly waitingFor: string },
): Promise<void> => {
  let last = ended()
  let movedAt = Date.now()
  while (ended() < target) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    if (ended() !== last) [last, movedAt] = [ended(), Date.now()]
    else if (Date.now() - movedAt > options.stallMs)
      throw new StalledError(
        `no root ended for ${options.stallMs / 1000} s (${last} ended) while waiting for ` +
          options.waitingFor,
      )
  }
}

/** Resolves once some root is under way; rejects when every root has been launched and ended. */
const untilUnderWay = async (
  options: Pick<DisruptOptions, 'inFlight' | 'everyRootLaunched'>,
  what: string,
): Promise<void> => {
  while (options.inFlight() === 0) {
    if (options.everyRootLaunched())
      throw new StalledError(`every root ended before the ${what}: run more processes`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** What {@link disrupt} works with. */
export interface DisruptOptions {
  readonly cluster: Cluster
  readonly ended: () => number
  /** Roots launched and not yet ended. */
  readonly inFlight: () => number
  readonly everyRootLaunched: () => boolean
  readonly roots: number
  readonly outageMs: number
  readonly stallMs: number
  readonly runStarted: number
  /** Told when a disruption begins and ends. */
  readonly say: (text: string) => void
  /** The disruption under way, for the progress line; undefined once it is over. */
  readonly current: (what: string | undefined) => void
}

/** The disruptions {@link disrupt} runs, in turn. */
export const DISRUPTIONS = 3

/** Runs the three disruptions in turn; resolves to what happened. */
export const disrupt = async (options: DisruptOptions): Promise<Disruption[]> => {
  const { cluster, say } = options
  const done: Disruption[] = []
  const step = async (share: number, what: string, act: () => Promise<string | void>) => {
    await untilEnded(options.ended, Math.ceil(share * options.roots), {
      stallMs: options.stallMs,
      waitingFor: what,
    })
    await untilUnderWay(options, what)
    const atRoots = options.ended()
    const inFlight = options.inFlight()
    const started = Date.now()
    say(
      `${what}: begins (${atRoots.toLocaleString('en')} roots ended, ` +
        `${inFlight.toLocaleString('en')} under way)`,
    )
    options.current(what)
    const told = await act()
    options.current(undefined)
    const tookMs = Date.now() - started
    say(`${what}: over after ${(tookMs / 1000).toFixed(1)} s${told ? ` (${told})` : ''}`)
    done.push({
      what: told ? `${what} (${told})` : what,
      atRoots,
      inFlight,
      startedAt: started - options.runStarted,
      tookMs,
    })
  }
  await step(0.2, 'SIGKILL of a worker', async () => {
    const { killed, replacement } = await cluster.killAndReplace()
    return `${killed} killed, ${replacement} started in its place`
  })
  await step(0.45, 'broker restart', () => cluster.restartBroker())
  await step(0.7, `database down for ${options.outageMs / 1000} s`, () =>
    cluster.restartDatabase(options.outageMs),
  )
  return done
}
