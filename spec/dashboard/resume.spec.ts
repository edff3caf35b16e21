/**
 * Resuming from the dashboard's API, over a real SQLite store and a real RabbitMQ (the runner
 * answers controls on one connection, the dashboard sends them on another): a resume that comes
 * early is kept and shown in the process's inbox, a value the wait's codec refuses is answered
 * with its path and reason, and a resume without a value is sent as none.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { startDashboard, type Dashboard } from '../../lib/dashboard/index.js'
import type { ControlJson, DetailJson } from '../../lib/dashboard/wire.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/index.js'
import { communicators, type CommunicatorSet } from '../comms/amqp-helpers.js'
import { amqpUrl } from '../support/services.js'
import { Approve, Review } from './fixtures/definitions.js'
import { seed, waitForState, type Seeded } from './seed.js'

const dir = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'plumpy-resume-'))

describe('resuming from the dashboard', () => {
  let broker: CommunicatorSet
  let persister: SqlitePersister
  let seeded: Seeded
  let dashboard: Dashboard

  beforeAll(async () => {
    broker = communicators(amqpUrl())
    persister = new SqlitePersister({ path: join(dir, 'store.db') })
    seeded = await seed({ persister, communicator: await broker.open(), pipelines: 0, gated: 0 })
    dashboard = await startDashboard({
      store: persister,
      communicator: await broker.open(),
      registry: DefinitionRegistry.of(Review),
      port: 0,
      logger: silentLogger,
    })
  }, 120_000)
  afterAll(async () => {
    await dashboard?.close()
    await seeded?.finish()
    await broker?.cleanup()
    persister?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const detail = async (pid: string): Promise<DetailJson> =>
    (await (await fetch(new URL(`/api/processes/${pid}`, dashboard.url))).json()) as DetailJson
  const post = async (pid: string, action: string, body: string) => {
    const response = await fetch(new URL(`/api/processes/${pid}/${action}`, dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    return { status: response.status, answer: (await response.json()) as ControlJson }
  }
  const review = async () => {
    const process = seeded.runner.create(Review, {})
    const done = process.execute()
    await waitForState(seeded.runner, process.pid, 'WAITING')
    await seeded.runner.flush()
    return { process, done }
  }

  it('keeps a resume that comes early, shows it in the inbox, and the wait takes it', async () => {
    const { process, done } = await review()
    expect((await detail(process.pid)).inbox).toBeUndefined()
    const sent = await post(process.pid, 'resume', '{"value": "yes"}')
    expect(sent).toEqual({
      status: 200,
      answer: { action: 'resume', pid: process.pid, ok: true, message: `${process.pid} resumed` },
    })
    await seeded.runner.flush()
    const kept = await detail(process.pid)
    expect(kept.inbox).toEqual([{ kind: 'resume' }])
    expect(kept.waiting?.waits).toEqual([{ text: 'signal approve' }])
    expect(kept.controllable).toBe(true)
    // A signal comes early too: both are shown, oldest first.
    await post(process.pid, 'signal', '{"name": "note", "payload": "read"}')
    await seeded.runner.flush()
    expect((await detail(process.pid)).inbox).toEqual([
      { kind: 'resume' },
      { kind: 'signal', name: 'note' },
    ])
    process.signal(Approve, { by: 'ann' })
    expect(await done).toEqual({ by: 'ann', verdict: 'yes' })
  })

  it("answers a value the wait's codec refuses with its path, and the process keeps waiting", async () => {
    const { process, done } = await review()
    process.signal(Approve, { by: 'bo' })
    await waitForState(seeded.runner, process.pid, 'WAITING')
    await seeded.runner.flush()
    expect((await detail(process.pid)).waiting?.message).toBe('a verdict')
    const refused = await post(process.pid, 'resume', '{"value": 5}')
    expect(refused.status).toBe(200)
    expect(refused.answer.ok).toBe(false)
    expect(refused.answer.message).toMatch(
      /^resume failed: .*refused the resume value: value: expected string, got 5$/,
    )
    expect(process.state).toBe('WAITING')
    expect((await post(process.pid, 'resume', '{"value": "no"}')).answer.ok).toBe(true)
    expect(await done).toEqual({ by: 'bo', verdict: 'no' })
  })

  it('sends a resume without a value as none, which a codec for strings refuses', async () => {
    const { process, done } = await review()
    process.signal(Approve, { by: 'cy' })
    await waitForState(seeded.runner, process.pid, 'WAITING')
    const none = await post(process.pid, 'resume', '{}')
    expect(none.answer.message).toMatch(/value: missing \(expected string\)$/)
    expect((await post(process.pid, 'resume', '{"value": null}')).answer.message).toMatch(
      /value: expected string, got null$/,
    )
    expect((await post(process.pid, 'resume', '{"value": "so"}')).answer.ok).toBe(true)
    expect(await done).toEqual({ by: 'cy', verdict: 'so' })
  })

  it('refuses a body that is not a JSON object, and answers for a process that has ended', async () => {
    const { process, done } = await review()
    expect((await post(process.pid, 'resume', '{"value": ')).status).toBe(400)
    process.signal(Approve, { by: 'di' })
    expect((await post(process.pid, 'resume', '"x"')).status).toBe(400)
    await post(process.pid, 'resume', '{"value": "ok"}')
    await done
    const late = await post(process.pid, 'resume', '{"value": "late"}')
    expect(late.answer).toMatchObject({ ok: false })
    expect(late.answer.message).toMatch(new RegExp(`^${process.pid} is not live on any worker`))
  })
})
