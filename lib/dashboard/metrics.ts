/**
 * The dashboard's Prometheus metrics (prom-client), served on `/metrics` of a port of their own:
 * the stored processes by state (what the store counts when scraped), the API's requests by
 * route and status with their durations, the pages following live updates, and the pauses,
 * plays and kills sent with how they went.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { STATE_NAMES } from '../process/state.js'
import { serveMetrics, type MetricsServer } from '../worker/metrics.js'
import type { DashboardObserver, RequestRoute } from './observer.js'
import type { DashboardStore } from './store.js'

/** What the gauges read when scraped. */
export interface DashboardMetricsSources {
  readonly store: DashboardStore
  /** How many pages follow live updates. */
  readonly livePages: () => number
}

/** The metrics of one dashboard; give it to `startDashboard` as `observer`. */
export class DashboardMetrics implements DashboardObserver {
  /** The registry, for a program that serves it itself. */
  readonly registry = new Registry()
  private sources: DashboardMetricsSources | undefined
  private readonly requests: Counter<'route' | 'status'>
  private readonly requestSeconds: Histogram<'route'>
  private readonly controls: Counter<'action' | 'outcome'>

  constructor() {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry, prefix: 'plumpy_dashboard_' })
    const sourcesOf = () => this.sources
    new Gauge({
      name: 'plumpy_stored_processes',
      help: 'Processes in the store, by state (counted when scraped)',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await sourcesOf()?.store.countByState({})
        for (const state of STATE_NAMES) this.set({ state }, counts?.[state] ?? 0)
      },
    })
    new Gauge({
      name: 'plumpy_dashboard_live_pages',
      help: 'Pages following live updates',
      registers,
      collect() {
        this.set(sourcesOf()?.livePages() ?? 0)
      },
    })
    this.requests = new Counter({
      name: 'plumpy_dashboard_requests_total',
      help: 'Requests answered, by route and HTTP status',
      labelNames: ['route', 'status'],
      registers,
    })
    this.requestSeconds = new Histogram({
      name: 'plumpy_dashboard_request_seconds',
      help: 'Time to answer a request, by route (event streams left out)',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    })
    this.controls = new Counter({
      name: 'plumpy_dashboard_controls_total',
      help: 'Pauses, plays, kills, signals and resumes sent, by whether the worker did it',
      labelNames: ['action', 'outcome'],
      registers,
    })
  }

  /** Where the gauges read (the dashboard, once it runs). */
  observe(sources: DashboardMetricsSources): void {
    this.sources = sources
  }

  requestAnswered(route: RequestRoute, status: number, seconds: number): void {
    this.requests.inc({ route, status: String(status) })
    if (route !== 'events') this.requestSeconds.observe({ route }, seconds)
  }

  controlAnswered(action: string, ok: boolean): void {
    this.controls.inc({ action, outcome: ok ? 'done' : 'refused' })
  }

  /** Serves `/metrics` on `host:port` (port 0: any free one). */
  serve(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
    return serveMetrics(this.registry, { port, host })
  }
}
