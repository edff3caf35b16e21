/**
 * A worker's Prometheus metrics (prom-client), served on `/metrics`: its live processes by
 * state, steps and checkpoints (counters: Prometheus's `rate()` makes them per second), step
 * duration and checkpoint latency (histograms), the depth of the task queue, the claims it
 * holds, and its reconnections to the broker.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Bundle } from '../checkpoint/bundle.js'
import { STATE_NAMES } from '../process/state.js'
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'

/** What the gauges read when scraped. */
export interface MetricsSources {
  /** The live processes. */
  readonly processes: () => readonly ProcessHandle[]
  /** Whether this worker holds the claim of `pid`. */
  readonly holds: (pid: string) => boolean
}

/** A checkpoint write. */
export type CheckpointWrite = (bundle: Bundle, tag: string | undefined) => Promise<void>

/** The metrics of one worker. */
export class WorkerMetrics {
  /** The registry, for a program that serves it itself. */
  readonly registry = new Registry()
  private sources: MetricsSources | undefined
  private readonly steps: Counter
  private readonly stepSeconds: Histogram
  private readonly checkpoints: Counter
  private readonly checkpointSeconds: Histogram
  private readonly reconnects: Counter
  private readonly ended: Counter<'state'>

  /** `queueDepth`: the tasks waiting in the broker's queue (undefined when unknown). */
  constructor(queueDepth?: () => Promise<number | undefined>) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry, prefix: 'plumpy_worker_' })
    const sourcesOf = () => this.sources
    new Gauge({
      name: 'plumpy_processes',
      help: 'Live processes on this worker, by state',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = new Map<string, number>(STATE_NAMES.map((state) => [state, 0]))
        for (const process of sourcesOf()?.processes() ?? [])
          counts.set(process.state, (counts.get(process.state) ?? 0) + 1)
        for (const [state, count] of counts) this.set({ state }, count)
      },
    })
    new Gauge({
      name: 'plumpy_claims_held',
      help: 'Processes whose claim this worker holds',
      registers,
      collect() {
        const sources = sourcesOf()
        const live = sources?.processes() ?? []
        this.set(live.filter((process) => sources?.holds(process.pid) === true).length)
      },
    })
    new Gauge({
      name: 'plumpy_task_queue_depth',
      help: 'Tasks waiting in the broker queue (ready, not yet delivered)',
      registers,
      async collect() {
        const depth = await queueDepth?.().catch(() => undefined)
        if (depth !== undefined) this.set(depth)
      },
    })
    this.ended = new Counter({
      name: 'plumpy_processes_ended_total',
      help: 'Processes that ended on this worker, by final state',
      labelNames: ['state'],
      registers,
    })
    this.steps = new Counter({ name: 'plumpy_steps_total', help: 'Steps run', registers })
    this.stepSeconds = new Histogram({
      name: 'plumpy_step_duration_seconds',
      help: 'Time spent in step functions',
      buckets: [0.0001, 0.001, 0.01, 0.1, 1, 10],
      registers,
    })
    this.checkpoints = new Counter({
      name: 'plumpy_checkpoints_total',
      help: 'Checkpoints written',
      registers,
    })
    this.checkpointSeconds = new Histogram({
      name: 'plumpy_checkpoint_seconds',
      help: 'Latency of checkpoint writes (until committed)',
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2],
      registers,
    })
    this.reconnects = new Counter({
      name: 'plumpy_broker_reconnects_total',
      help: 'Reconnections to the broker after the connection dropped',
      registers,
    })
  }

  /** Where the gauges read (the worker, once it exists). */
  observe(sources: MetricsSources): void {
    this.sources = sources
  }

  /** The runner plugin counting steps and ended processes. */
  readonly plugin: RunnerPlugin = {
    stepRan: (_process, run) => {
      this.steps.inc()
      this.stepSeconds.observe(run.durationMs / 1000)
    },
    terminated: (process) => this.ended.inc({ state: process.state }),
  }

  /** `write`, counted and timed. */
  timed(write: CheckpointWrite): CheckpointWrite {
    return async (bundle, tag) => {
      const started = performance.now()
      await write(bundle, tag)
      this.checkpoints.inc()
      this.checkpointSeconds.observe((performance.now() - started) / 1000)
    }
  }

  /** The connection to the broker came back. */
  reconnected(): void {
    this.reconnects.inc()
  }

  /**
   * Serves `/metrics` on `host:port` (port 0: any free one); resolves once listening, with the
   * port and a way to stop.
   */
  serve(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
    return serveMetrics(this.registry, { port, host })
  }
}

/**
 * Serves the metrics of `registry` on `/metrics` at `host:port` (port 0: any free one), for
 * Prometheus to scrape; resolves once listening, with the port and a way to stop.
 */
export const serveMetrics = async (
  registry: Registry,
  where: { readonly port: number; readonly host: string },
): Promise<MetricsServer> => {
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('only /metrics here\n')
      return
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(where.port, where.host, () => resolve())
  })
  server.unref()
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A listening metrics endpoint. */
export interface MetricsServer {
  readonly port: number
  close(): Promise<void>
}
