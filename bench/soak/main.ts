/**
 * The soak run (`npm run soak`, not in CI): 100,000 processes through two `plumpy-ts worker`
 * processes on a RabbitMQ and a PostgreSQL of its own, with a worker SIGKILLed (and replaced),
 * the broker restarted and the database stopped for a while along the way. It prints progress,
 * then finished, lost, run twice past a checkpoint, peak worker RSS, peak advisory locks, wall
 * time and throughput, and exits 1 when anything was lost, run twice, wrong or unfinished.
 *
 *   npm run soak                          # 100,000 processes (roots and children)
 *   npm run soak -- --processes 5000      # a shorter run; --help for the other flags
 *
 * Everything lives in one temporary directory (servers, worker logs, the steps' record of their
 * executions), removed at the end unless the run failed or `--keep` is given.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { machineInfo } from '../machine.js'
import { Cluster } from './cluster.js'
import { disrupt, DISRUPTIONS, StalledError, untilEnded } from './disruptions.js'
import {
  advisoryLocks,
  committedRuns,
  prepareCommitHistory,
  relaunchedPastCheckpoint,
  storedRoots,
  tallyStore,
  withClient,
} from './history.js'
import { Load } from './load.js'
import { outcomesOf } from './outcomes.js'
import { parseSoakOptions, planRoots } from './options.js'
import { countRepeats, readExecutions } from './repeats.js'
import { printSummary, problemsOf, type SoakFigures } from './report.js'
import { Watch } from './watch.js'

const say = (text: string) => console.log(`[soak] ${text}`)
const options = parseSoakOptions(process.argv.slice(2))
const roots = planRoots(options)
const chains = roots.filter((root) => root.kind === 'Chain').length
say(
  `${options.processes.toLocaleString('en')} processes: ${roots.length.toLocaleString('en')} ` +
    `roots (${(roots.length - chains).toLocaleString('en')} SoakWork, ` +
    `${chains.toLocaleString('en')} SoakChain of ${options.rounds} rounds, each round a ` +
    `SoakWork child), half waited for, half nowait; at most ${options.window} roots under ` +
    `way; 2 workers x ${options.slots} slots`,
)
const dir = mkdtempSync(join(tmpdir(), 'plumpy-soak-'))
chmodSync(dir, 0o755) // the postgres user must reach its server's directory inside
const record = join(dir, 'executions.log')
const atStart = machineInfo()

let cluster: Cluster | undefined
let failed = true
// Ctrl-C: stop every server and worker before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    say(`${signal}: stopping the workers and the servers`)
    void (cluster?.close() ?? Promise.resolve()).finally(() => process.exit(130))
  })

try {
  say(`starting RabbitMQ, PostgreSQL and two workers in ${dir}`)
  cluster = await Cluster.start({
    dir,
    slots: options.slots,
    durable: options.durable,
    record,
    prepare: prepareCommitHistory,
  })
  const running = cluster
  const communicator = await AmqpCommunicator.connect(running.broker.url, {
    prefix: running.prefix,
    logger: silentLogger,
  })
  const load = new Load(communicator, roots, options)
  let disruption: string | undefined
  const watch = new Watch(running.storeUrl, {
    roots: roots.length,
    processes: options.processes,
    progressEveryMs: options.progressEveryMs,
    workers: () => running.workers,
    status: () => {
      const { launched, pending } = load.tally()
      const doing = disruption === undefined ? '' : `; ${disruption}`
      return `launched ${launched.toLocaleString('en')}, answers awaited ${pending.size}${doing}`
    },
  })
  const ended = () => watch.progress.endedRoots
  const inFlight = () => load.tally().launched - ended()
  // Roots held back, a window for each disruption, so that a short run is not over before its
  // disruptions: a window of them goes whenever nothing else is under way between two
  // disruptions, and the rest once the last disruption has begun.
  let disruptionsLeft = DISRUPTIONS
  let held = Math.min(DISRUPTIONS * options.window, Math.floor(roots.length / 2))
  const reserve = () => {
    if (disruptionsLeft === 0) held = 0
    else if (disruption === undefined && inFlight() === 0) held = Math.max(0, held - options.window)
    return held
  }
  let stalled: string | undefined
  const started = Date.now()
  watch.start()
  const [, disruptions] = await Promise.all([
    load.run(ended, reserve),
    disrupt({
      cluster: running,
      ended,
      inFlight,
      everyRootLaunched: () => load.everyRootLaunched,
      roots: roots.length,
      outageMs: options.outageMs,
      stallMs: options.stallMs,
      runStarted: started,
      say,
      current: (what) => {
        disruption = what
        if (what !== undefined) disruptionsLeft -= 1
      },
    }).catch((error: unknown) => {
      // Nothing moves: report what the store holds rather than wait for ever.
      if (!(error instanceof StalledError)) throw error
      stalled = error.message
      say(`stalled: ${stalled}`)
      load.stop()
      return []
    }),
  ])
  if (stalled === undefined)
    say(`every root launched and every disruption over: waiting for the rest to end`)
  const deadline = Date.now() + options.graceMs
  await untilEnded(ended, roots.length, {
    stallMs: Math.min(options.stallMs, options.graceMs),
    waitingFor: 'the last roots to end',
  }).catch((error: unknown) => say(String(error)))
  await load.settled(Math.max(0, deadline - Date.now()))
  const wallMs = Date.now() - started
  await watch.sample()
  watch.printProgress()

  const figures = await withClient(running.storeUrl, async (client) => {
    const idleAdvisoryLocks = await advisoryLocks(client)
    const store = await tallyStore(client)
    const stored = await storedRoots(client)
    const committed = await committedRuns(client)
    const relaunched = await relaunchedPastCheckpoint(client)
    return { idleAdvisoryLocks, store, stored, committed, relaunched }
  })
  await watch.stop()
  await communicator.close()
  const stops = await running.stopWorkers()

  const tally = load.tally()
  const outcomes = outcomesOf({
    roots,
    stored: figures.stored,
    launches: tally,
    rounds: options.rounds,
  })
  const summary: SoakFigures = {
    processes: options.processes,
    roots: roots.length,
    finished: figures.store.byState.get('FINISHED') ?? 0,
    rootsFinished: outcomes.finished.length,
    endedBadly: outcomes.endedBadly,
    lost: outcomes.lost,
    wrongOutputs: outcomes.wrongOutputs,
    repeats: countRepeats({
      executions: readExecutions(record),
      committed: figures.committed,
      finished: outcomes.finished,
      rounds: options.rounds,
    }),
    relaunched: figures.relaunched,
    memory: watch.memory,
    peakAdvisoryLocks: watch.peakAdvisoryLocks,
    idleAdvisoryLocks: figures.idleAdvisoryLocks,
    wallMs,
    load: tally,
    resent: load.resent,
    store: figures.store,
    disruptions,
    stops,
    machine: { atStart, atEnd: machineInfo() },
    ...(stalled === undefined ? {} : { stalled }),
  }
  printSummary(summary)
  const problems = problemsOf(summary)
  failed = problems.length > 0
  say(failed ? `FAILED: ${problems.join(', ')}` : 'passed: nothing lost, nothing run twice')
} catch (error) {
  say(
    `the run could not go on: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
} finally {
  await cluster?.close()
  if (failed || options.keep) say(`logs and records kept in ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
