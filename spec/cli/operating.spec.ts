/**
 * Operating a worker: its log (pino: levels, JSON lines carrying pid, definition and step, step
 * log lines through it) and its Prometheus endpoint, scraped over HTTP from a real worker.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { amqpUrl } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  removeTopology,
  runCli,
  scratchDir,
  startWorker,
  waitUntil,
  type WorkerProcess,
} from '../worker/harness.js'
import { Parent, Pipeline } from './fixtures/chatty-definitions.js'

const CHATTY = join(import.meta.dirname, 'fixtures/chatty-definitions.ts')
const CLI = join(import.meta.dirname, '../../lib/cli/main.ts')

/** `plumpy-ts <args>` started in the background: its output so far, and its exit. */
const startCli = (args: readonly string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { output: () => output, exited, kill: () => child.kill('SIGKILL') }
}

interface LogRecord {
  readonly level: string
  readonly msg: string
  readonly worker: string
  readonly time: string
  readonly pid?: string
  readonly definition?: string
  readonly step?: string
}

const recordsOf = (log: string): LogRecord[] =>
  log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord)

describe('plumpy-ts worker --log-format json --metrics-port', () => {
  let worker: WorkerProcess
  let communicator: AmqpCommunicator
  const prefix = freshPrefix('operate')
  const dir = scratchDir('operate')

  beforeAll(async () => {
    worker = await startWorker({
      name: 'operated',
      broker: amqpUrl(),
      store: `sqlite:${join(dir, 'store.db')}`,
      prefix,
      dir,
      // The metrics port is chosen by the system and read from the log.
      args: [
        '--definitions',
        CHATTY,
        '--log-format',
        'json',
        '--log-level',
        'info',
        '--metrics-port',
        '0',
      ],
    })
    communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
  }, 60_000)
  afterAll(async () => {
    await communicator?.close()
    worker?.signal('SIGTERM')
    await worker?.exited
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
  })

  it('logs one line per process start and end at info, each with pid and definition, and the step logs with their step', async () => {
    const controller = new RemoteProcessController(communicator)
    expect(await controller.launchProcess(Parent, { x: 4 }, { pid: 'parent-1' })).toEqual({ y: 8 })
    await waitUntil('the end of parent-1 in the log', async () =>
      recordsOf(worker.log()).some((r) => r.pid === 'parent-1' && r.msg === 'ended FINISHED'),
    )
    const records = recordsOf(worker.log())
    expect(records.every((r) => r.worker === 'operated' && !Number.isNaN(Date.parse(r.time)))).toBe(
      true,
    )
    const about = (pid: string) => records.filter((r) => r.pid === pid)
    expect(about('parent-1').map((r) => [r.level, r.msg, r.definition])).toEqual([
      ['info', 'started', 'Parent'],
      ['info', 'ended FINISHED', 'Parent'],
    ])
    const child = records.find((r) => r.definition === 'Chatty')?.pid as string
    expect(about(child).map((r) => [r.level, r.msg, r.step])).toEqual([
      ['info', 'started', undefined],
      ['info', 'doubling 4', 'run'],
      ['warn', 'this one warns too', 'run'],
      ['info', 'ended FINISHED', undefined],
    ])
    // No transition lines at info.
    expect(records.some((r) => r.msg.includes(' -> '))).toBe(false)
  }, 60_000)

  it('serves Prometheus metrics over HTTP', async () => {
    const line = recordsOf(worker.log()).find((r) => r.msg.startsWith('metrics on '))
    expect(line).toBeDefined()
    const url = (line as LogRecord).msg.slice('metrics on '.length)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const controller = new RemoteProcessController(communicator)
    await controller.launchProcess(Parent, { x: 1 }, { pid: 'parent-2' })
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    const value = (name: string): number => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
      if (match === null) throw new Error(`no ${name} in\n${text}`)
      return Number(match[1])
    }
    // Two parents of one step and one child each of two steps; a resumed parent steps again.
    expect(value('plumpy_steps_total')).toBeGreaterThanOrEqual(6)
    expect(value('plumpy_step_duration_seconds_count')).toBe(value('plumpy_steps_total'))
    expect(value('plumpy_checkpoints_total')).toBeGreaterThan(0)
    expect(value('plumpy_checkpoint_seconds_count')).toBe(value('plumpy_checkpoints_total'))
    expect(value('plumpy_processes_ended_total{state="FINISHED"}')).toBe(4)
    expect(value('plumpy_processes{state="RUNNING"}')).toBe(0)
    expect(value('plumpy_claims_held')).toBe(0)
    expect(value('plumpy_task_queue_depth')).toBe(0)
    expect(value('plumpy_broker_reconnects_total')).toBe(0)
    expect(text).toMatch(/^plumpy_step_duration_seconds_bucket\{le="0\.001"\} \d+$/m)
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404)
  }, 60_000)

  it('watches a process and its children live until it ends', async () => {
    const watcher = startCli(['watch', 'parent-3', '--broker', amqpUrl(), '--prefix', prefix])
    try {
      await waitUntil('the watcher to subscribe', async () => watcher.output().includes('watching'))
      const controller = new RemoteProcessController(communicator)
      await controller.launchProcess(Parent, { x: 2 }, { pid: 'parent-3' })
      expect(await watcher.exited).toBe(0)
    } finally {
      watcher.kill()
    }
    const lines = watcher.output().trimEnd().split('\n')
    const stamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`
    const own = lines.filter((line) => new RegExp(`^${stamp} parent-3 `).test(line))
    expect(own.map((line) => line.split(' ').slice(3).join(' '))).toEqual([
      'None -> CREATED',
      'CREATED -> RUNNING',
      'RUNNING -> WAITING',
      'WAITING -> RUNNING',
      'RUNNING -> FINISHED',
    ])
    // The child's transitions, indented, between the parent's wait and its end.
    const child = lines.filter((line) => line.startsWith('  '))
    expect(child.map((line) => line.trim().split(' ').slice(3).join(' '))).toEqual([
      'None -> CREATED',
      'CREATED -> RUNNING',
      'RUNNING -> RUNNING',
      'RUNNING -> FINISHED',
    ])
    expect(lines.at(-1)).toMatch(/parent-3 RUNNING -> FINISHED$/)
    // A process of another tree is not shown.
    expect(lines.some((line) => line.includes('parent-1'))).toBe(false)
  }, 60_000)

  it('pauses, plays and kills every process the filters select, after a confirmation', async () => {
    const controller = new RemoteProcessController(communicator)
    for (const pid of ['bulk-1', 'bulk-2', 'bulk-3'])
      await controller.launchProcess(Pipeline, { n: 1e6 }, { pid, nowait: true })
    const store = ['--store', `sqlite:${join(dir, 'store.db')}`]
    const broker = ['--broker', amqpUrl(), '--prefix', prefix]
    const selection = ['--all', '--definition', 'Pipeline', '--roots', ...store, ...broker]
    await waitUntil('the three pipelines to be stored', async () =>
      (await runCli(['list', ...store, '--definition', 'Pipeline', '--roots'])).stdout.includes(
        '1-3 of 3',
      ),
    )
    // In a pipe there is no one to ask: nothing is done without --yes.
    const unconfirmed = await runCli(['pause', ...selection])
    expect(unconfirmed.code).toBe(1)
    expect(unconfirmed.stderr).toMatch(/pause of 3 processes not confirmed \(give --yes/)
    const paused = await runCli(['pause', ...selection, '--yes', '--message', 'bulk'])
    // No progress bar in a pipe: the summary alone.
    expect(paused).toMatchObject({
      code: 0,
      stdout: '3 paused, 0 refused (terminated meanwhile), 0 not live on any worker, 0 failed\n',
      stderr: '',
    })
    await waitUntil('the pauses to be stored', async () =>
      (await runCli(['list', ...store, '--paused'])).stdout.includes('1-3 of 3'),
    )
    const played = await runCli(['play', ...selection, '--yes'])
    expect(played.stdout).toMatch(/^3 played, /)
    const killed = await runCli(['kill', ...selection, '--yes', '--state', 'running,waiting'])
    expect(killed.stdout).toMatch(/^3 killed, /)
    await waitUntil('the kills to be stored', async () =>
      (await runCli(['list', ...store, '--state', 'killed', '--roots'])).stdout.includes(
        '1-3 of 3',
      ),
    )
    const none = await runCli(['kill', ...selection, '--yes'])
    expect(none.stdout).toBe('no live process matches: none killed\n')
    expect((await runCli(['kill', 'bulk-1', ...selection])).stderr).toMatch(
      /a pid or --all, not both/,
    )
  }, 120_000)
})
