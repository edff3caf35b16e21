/**
 * The control commands against a running worker (a real OS process), each command run as the
 * user would: `plumpy-ts <command> …`, checking what it prints and its exit code.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { Approval, Approve, Pipeline, Review } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  DEFINITIONS,
  freshPrefix,
  killAllWorkers,
  removeTopology,
  runCli,
  scratchDir,
  startWorker,
  waitUntil,
  type WorkerProcess,
} from '../worker/harness.js'

describe('plumpy-ts list, status, show, pause, play, kill', () => {
  let db: FreshDatabase
  let worker: WorkerProcess
  let communicator: AmqpCommunicator
  const prefix = freshPrefix('cli')
  const dir = scratchDir('cli')
  const broker = () => ['--broker', amqpUrl(), '--prefix', prefix]
  const store = () => ['--store', db.url]

  beforeAll(async () => {
    db = await freshPgDatabase('cli')
    worker = await startWorker({ name: 'cli', broker: amqpUrl(), store: db.url, prefix, dir })
    communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
  }, 60_000)
  afterAll(async () => {
    await communicator?.close()
    worker?.signal('SIGTERM')
    await worker?.exited
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('signals a process that a worker runs, checking the payload there', async () => {
    const controller = new RemoteProcessController(communicator)
    await controller.launchProcess(Approval, {}, { pid: 'approval', nowait: true })
    // What it waits for, in list, show and status (live and from the store).
    await waitUntil('the approval to wait', async () =>
      /^approval {2}\S+ \S+ {2}Approval@1 {2}WAITING/m.test(
        (await runCli(['list', ...store()])).stdout,
      ),
    )
    expect((await runCli(['list', ...store()])).stdout).toMatch(
      /^approval {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}Approval@1 {2}WAITING {2}- {2}- {2}signal approve$/m,
    )
    const json = await runCli([
      'list',
      ...store(),
      '--definition',
      'Approval',
      '--state',
      'waiting',
      '--json',
    ])
    expect(JSON.parse(json.stdout)).toMatchObject({
      rows: [
        { pid: 'approval', waits: [{ kind: 'signal', key: expect.any(String), name: 'approve' }] },
      ],
    })
    expect((await runCli(['show', 'approval', ...store()])).stdout).toMatch(
      /^waits for {3}signal approve$/m,
    )
    expect((await runCli(['status', 'approval', ...broker()])).stdout).toMatch(
      /waits for: signal approve {2}\(live on a worker\)$/m,
    )
    const bad = await runCli(['signal', 'approval', 'approve', '{"by":1}', ...broker()])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/refused signal 'approve': payload\.by: expected string, got 1/)
    const notJson = await runCli(['signal', 'approval', 'approve', '{by', ...broker()])
    expect(notJson.code).toBe(2)
    const sent = await runCli(['signal', 'approval', 'approve', '{"by":"ann"}', ...broker()])
    expect(sent).toMatchObject({ code: 0, stdout: 'approval signalled approve\n' })
    await waitUntil('the approval to finish', async () =>
      (await runCli(['show', 'approval', ...store()])).stdout.includes('FINISHED'),
    )
    const late = await runCli([
      'signal',
      'approval',
      'approve',
      '{"by":"bo"}',
      ...broker(),
      ...store(),
    ])
    expect(late.code).toBe(1)
    expect(late.stderr).toMatch(/has terminated \(FINISHED\)/)
    // The controller checks the payload before anything is sent.
    await expect(
      controller.signal('approval', Approve, { by: 7 } as unknown as { by: string }),
    ).rejects.toThrow(/payload\.by: expected string, got 7/)
  }, 240_000)

  it('resumes a process that a worker runs: kept until it waits for a resume, checked there', async () => {
    const controller = new RemoteProcessController(communicator)
    await controller.launchProcess(Review, {}, { pid: 'review', nowait: true })
    await waitUntil('the review to wait for its approval', async () =>
      (await runCli(['status', 'review', ...broker()])).stdout.includes(
        'waits for: signal approve',
      ),
    )
    const early = await runCli(['resume', 'review', '"yes"', ...broker()])
    expect(early).toMatchObject({ code: 0, stdout: 'review resumed\n' })
    // Kept (once), and checkpointed: live, and from the store.
    expect(await runCli(['resume', 'review', '"again"', ...broker()])).toMatchObject({ code: 0 })
    expect((await runCli(['status', 'review', ...broker()])).stdout).toMatch(
      /waits for: signal approve {2}inbox: resume {2}\(live on a worker\)$/m,
    )
    expect((await runCli(['show', 'review', ...store()])).stdout).toMatch(/^inbox {7}resume$/m)
    expect((await runCli(['list', ...store(), '--definition', 'Review'])).stdout).toMatch(
      /^review {2}.* {2}WAITING {2}- {2}- {2}signal approve {2}inbox: resume$/m,
    )
    await controller.signal('review', Approve, { by: 'ann' })
    await waitUntil('the review to finish', async () =>
      (await runCli(['show', 'review', ...store()])).stdout.includes('FINISHED'),
    )
    expect((await runCli(['show', 'review', ...store()])).stdout).toMatch(
      /^outputs {5}\{"by":"ann","verdict":"yes"\}$/m,
    )

    // Waiting for it, the value is checked by the wait's codec at once.
    await controller.launchProcess(Review, {}, { pid: 'review-2', nowait: true })
    await waitUntil('the second review to wait for its approval', async () =>
      (await runCli(['status', 'review-2', ...broker()])).stdout.includes('signal approve'),
    )
    await controller.signal('review-2', Approve, { by: 'bo' })
    const bad = await runCli(['resume', 'review-2', '5', ...broker()])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/refused the resume value: value: expected string, got 5/)
    const sent = await runCli(['resume', 'review-2', '"no"', ...broker()])
    expect(sent).toMatchObject({ code: 0, stdout: 'review-2 resumed\n' })
    await waitUntil('the second review to finish', async () =>
      (await runCli(['show', 'review-2', ...store()])).stdout.includes('FINISHED'),
    )
    const late = await runCli(['resume', 'review-2', '"late"', ...broker(), ...store()])
    expect(late.code).toBe(1)
    expect(late.stderr).toMatch(/review-2 was not resumed: it has terminated \(FINISHED\)/)
  }, 240_000)

  // Some twenty command-line runs, each a fresh Node process: minutes on a loaded machine.
  it('inspects and controls a process that a worker runs', async () => {
    const controller = new RemoteProcessController(communicator)
    await controller.launchProcess(Pipeline, { n: 2 }, { pid: 'short' })
    expect(
      await controller.launchProcess(Pipeline, { n: 1e6 }, { pid: 'long', nowait: true }),
    ).toBe('long')

    const list = await runCli(['list', ...store(), '--roots', '--definition', 'Pipeline'])
    expect(list.code).toBe(0)
    const time = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`
    expect(list.stdout).toMatch(/^pid  created  definition  state  paused  status  waits for$/m)
    expect(list.stdout).toMatch(
      new RegExp(
        `^long  ${time}  Pipeline@1  (RUNNING  -  -  -|WAITING  -  -  (child .+|-))$`,
        'm',
      ),
    )
    expect(list.stdout).toMatch(new RegExp(`^short  ${time}  Pipeline@1  FINISHED  -  -  -$`, 'm'))
    // Newest first: `long` was launched after `short`.
    expect(list.stdout.indexOf('long  ')).toBeLessThan(list.stdout.indexOf('short  '))
    expect(list.stdout).toMatch(/^1-2 of 2$/m)
    const roots = await runCli([
      'list',
      ...store(),
      '--roots',
      '--definition',
      'Pipeline',
      '--state',
      'finished',
      '--json',
    ])
    expect(JSON.parse(roots.stdout)).toMatchObject({
      total: 1,
      rows: [{ pid: 'short', definition: 'Pipeline', state: 'FINISHED' }],
    })
    const paged = await runCli([
      'list',
      ...store(),
      '--definition',
      'Work',
      '--limit',
      '1',
      '--offset',
      '1',
      '--oldest-first',
    ])
    // The second child stored (of `short`); more follow (those of `long`).
    expect(paged.stdout).toMatch(/^\S+ .* Work@1 .*\n2-2 of \d+; --offset 2 for more$/m)
    const none = await runCli(['list', ...store(), '--definition', 'Nothing', '--since', '1h'])
    expect(none.stdout).toBe('no process matches\n')

    const report = await runCli(['report', 'short', ...store()])
    expect(report.code).toBe(0)
    const lines = report.stdout.trimEnd().split('\n')
    const stamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`
    expect(lines[0]).toMatch(new RegExp(`^${stamp} \\[short \\| Pipeline\\] None -> CREATED$`))
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${stamp} \\[short \\| Pipeline\\] RUNNING -> WAITING  step submit, after \\d+ ms in RUNNING$`,
        ),
      ),
    )
    // Its two children, indented under it, in time order with its own lines.
    const children = lines.filter((line) => /^ {2}\d/.test(line) && line.includes('| Work]'))
    expect(children.filter((line) => line.includes('RUNNING -> FINISHED  step run'))).toHaveLength(
      2,
    )
    expect(lines.at(-1)).toMatch(/\[short \| Pipeline\] RUNNING -> FINISHED  step \w+/)
    const times = lines.map((line) => line.trim().slice(0, 23))
    expect([...times].sort()).toEqual(times)

    const live = await runCli(['status', 'long', ...broker()])
    expect(live.code).toBe(0)
    expect(live.stdout).toMatch(
      /^long {2}(RUNNING|WAITING) {2}<Pipeline> \(\w+\) {2}status: - {2}waits for: .+ {2}\(live on a worker\)$/m,
    )

    const pause = await runCli(['pause', 'long', ...broker(), '--message', 'for the test'])
    expect(pause).toMatchObject({ code: 0, stdout: 'long paused\n' })
    const paused = await runCli(['status', 'long', ...broker()])
    expect(paused.stdout).toMatch(/\(paused\).*status: for the test/)

    const show = await runCli(['show', 'long', ...store(), '--definitions', DEFINITIONS])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/^state {7}(RUNNING|WAITING) \(paused\)$/m)
    expect(show.stdout).toMatch(/^status {6}for the test$/m)
    expect(show.stdout).toMatch(/^position {4}0:while_\(more\)\(\d:(submit|collect)\)$/m)
    expect(show.stdout).toMatch(/^context {5}\{"i":\d+,"total":\d+/m)
    expect(show.stdout).toMatch(/^created {5}\d{4}-\d\d-\d\dT[\d:.]+Z$/m)
    expect(show.stdout).toMatch(/^modified {4}\d{4}-\d\d-\d\dT[\d:.]+Z$/m)
    const raw = await runCli(['show', 'long', ...store()])
    expect(raw.stdout).toMatch(/^position {4}\[0, \d\]$/m)

    expect(await runCli(['play', 'long', ...broker()])).toMatchObject({
      code: 0,
      stdout: 'long played\n',
    })
    const kill = await runCli(['kill', 'long', ...broker(), '--message', 'enough'])
    expect(kill).toMatchObject({ code: 0, stdout: 'long killed\n' })

    await waitUntil('the kill to reach the store', async () =>
      /^long .* Pipeline@1 {2}KILLED/m.test((await runCli(['list', ...store(), '--roots'])).stdout),
    )
    const gone = await runCli(['status', 'long', ...broker()])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toMatch(/process long is not live on any worker \(give --store/)
    const stored = await runCli(['status', 'long', ...broker(), ...store()])
    expect(stored.code).toBe(0)
    expect(stored.stdout).toMatch(
      /^long {2}KILLED .*\(not live on any worker: from its checkpoint\)$/m,
    )
    expect((await runCli(['show', 'long', ...store()])).stdout).toMatch(/^killed {6}enough$/m)
    const finished = await runCli(['show', 'short', ...store()])
    expect(finished.stdout).toMatch(/^outputs {5}\{"total":1,"rounds":2\}$/m)
    expect(finished.stdout).toMatch(/^result {6}.*\(successful, exit status 0\)$/m)
  }, 300_000)

  it('fails with a clear message and a distinct exit code', async () => {
    const sqlite = `sqlite:${join(dir, 'empty.db')}`
    const [
      noBroker,
      notABroker,
      badStore,
      unknownInStore,
      unknownLive,
      killEnded,
      killEndedStored,
      pauseNeverStored,
      reviveSqlite,
      missingOption,
      empty,
      check,
      help,
    ] = await Promise.all([
      runCli(['status', 'p', '--broker', 'amqp://guest:guest@127.0.0.1:1', '--prefix', prefix]),
      runCli(['pause', 'p', '--broker', 'http://127.0.0.1', '--prefix', prefix]),
      runCli(['list', '--store', 'bogus://x']),
      runCli(['show', 'nobody', ...store()]),
      runCli(['status', 'nobody', ...broker()]),
      runCli(['kill', 'short', ...broker()]),
      runCli(['kill', 'short', ...broker(), ...store()]),
      runCli(['pause', 'nobody', ...broker(), ...store()]),
      runCli(['revive', '--store', sqlite, ...broker(), '--definitions', DEFINITIONS]),
      runCli(['worker', ...broker()]),
      runCli(['list', '--store', sqlite]),
      runCli(['check', ...store(), '--definitions', DEFINITIONS]),
      runCli(['--help']),
    ])
    expect(noBroker.code).toBe(2)
    expect(noBroker.stderr).toMatch(
      /^plumpy-ts: cannot connect to the broker at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/,
    )
    expect(notABroker).toMatchObject({
      code: 2,
      stderr: "plumpy-ts: 'http://127.0.0.1' is not a broker URL: use amqp://…\n",
    })
    expect(badStore.code).toBe(2)
    expect(badStore.stderr).toMatch(/^plumpy-ts: unknown persister URL 'bogus:\/\/x'/)
    expect(unknownInStore).toMatchObject({
      code: 3,
      stderr: 'plumpy-ts: no process nobody in the store\n',
    })
    expect(unknownLive.code).toBe(3)
    expect(unknownLive.stderr).toMatch(/process nobody is not live on any worker/)
    // Without a store, a process no worker runs may have ended, wait for one, or never have been.
    expect(killEnded).toMatchObject({
      code: 3,
      stderr:
        'plumpy-ts: process short is not live on any worker: it has terminated, waits to be ' +
        'revived, or never existed (give --store to tell which)\n',
    })
    // With one, the table's promise: controlling a terminated process is refused (1), an
    // unknown pid is not found (3).
    expect(killEndedStored).toMatchObject({
      code: 1,
      stderr: 'plumpy-ts: process short was not killed: it has terminated (FINISHED)\n',
    })
    expect(pauseNeverStored).toMatchObject({
      code: 3,
      stderr: 'plumpy-ts: no process nobody in the store\n',
    })
    expect(reviveSqlite.code).toBe(2)
    expect(reviveSqlite.stderr).toMatch(/only a PostgreSQL store shares that/)
    expect(missingOption.code).toBe(2)
    expect(missingOption.stderr).toMatch(/required option '--store <url>' not specified/)
    expect(empty).toMatchObject({ code: 0, stdout: 'no processes in the store\n' })
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/checkpoints checked, 0 would not load/)
    expect(help.code).toBe(0)
    for (const command of [
      'worker',
      'revive',
      'list',
      'show',
      'status',
      'pause',
      'play',
      'kill',
      'check',
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    expect(help.stdout).toMatch(/Exit codes: 0 done/)
  }, 120_000)
})
