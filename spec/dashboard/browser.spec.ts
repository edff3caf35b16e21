/**
 * The dashboard in a real browser (Debian's Chromium, headless), over a real SQLite store and a
 * real RabbitMQ: the processes run on a runner that broadcasts its state changes and answers
 * controls on one connection; the dashboard listens and controls on another, as a separate
 * program would. The page loads the table, filters it, opens a process, shows its outline with
 * the position highlighted, pauses and plays it, and follows it to its end without reloading;
 * a pause and a play made by another program show on the page as they happen; it sends signals
 * and resumes, and shows what the process keeps in its inbox.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { RemoteProcessController } from '../../lib/comms/index.js'
import { startDashboard, type Dashboard } from '../../lib/dashboard/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/index.js'
import { communicators, type CommunicatorSet } from '../comms/amqp-helpers.js'
import { amqpUrl } from '../support/services.js'
import { launchChromium, type HeadlessBrowser } from './browser.js'
import {
  Approval,
  Approve,
  Broken,
  Gated,
  openGate,
  Pipeline,
  Review,
  Work,
} from './fixtures/definitions.js'
import { seed, waitForState, type Seeded } from './seed.js'

const dir = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'plumpy-browser-'))
/** Generous: two cores shared with other suites. */
const SEEN_WITHIN = { timeout: 20_000 }

describe('the dashboard in a browser', () => {
  let broker: CommunicatorSet
  let persister: SqlitePersister
  let seeded: Seeded
  let dashboard: Dashboard
  let chromium: HeadlessBrowser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    broker = communicators(amqpUrl())
    persister = new SqlitePersister({ path: join(dir, 'store.db') })
    seeded = await seed({ persister, communicator: await broker.open(), pipelines: 3, gated: 2 })
    dashboard = await startDashboard({
      store: persister,
      communicator: await broker.open(),
      registry: DefinitionRegistry.of(Gated, Broken, Pipeline, Work, Approval, Review),
      port: 0,
      logger: silentLogger,
    })
    chromium = await launchChromium()
    page = await chromium.context.newPage()
    page.on('pageerror', (error) => pageErrors.push(error.message))
  }, 120_000)

  afterAll(async () => {
    await chromium?.close()
    await dashboard?.close()
    await seeded?.finish()
    await broker?.cleanup()
    persister?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads the table with the counts per state, and filters it', async () => {
    await page.goto(dashboard.url)
    const rows = page.locator('#processes tbody tr')
    await expect.poll(() => rows.count(), SEEN_WITHIN).toBe(16)
    await expect.poll(() => page.locator('#live').textContent(), SEEN_WITHIN).toBe('live')
    expect(await page.locator('.chip[data-state=WAITING] .chip-count').textContent()).toBe('2')
    expect(await page.locator('.chip[data-state=ALL] .chip-count').textContent()).toBe('16')
    expect(await page.locator('#range').textContent()).toBe('1–16 of 16')

    await page.locator('.chip[data-state=WAITING]').click()
    await expect.poll(() => rows.count(), SEEN_WITHIN).toBe(2)
    expect(new URL(page.url()).hash).toBe('#/?state=WAITING')
    const target = seeded.gated[0] as string
    await page.locator('#filter-q').fill(target.slice(0, 13))
    await expect.poll(() => rows.count(), SEEN_WITHIN).toBe(1)
    expect(await rows.first().getAttribute('data-pid')).toBe(target)
    expect(pageErrors).toEqual([])
  })

  it('opens a process: its outline with the position highlighted, what it waits for', async () => {
    const target = seeded.gated[0] as string
    await page.locator(`#processes a[href="#/process/${target}"]`).click()
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITING')
    const current = page.locator('#diagram svg .node.current')
    expect(await current.count()).toBe(1)
    expect(await current.locator('text').textContent()).toBe('count')
    expect(await current.getAttribute('data-cursor')).toBe('1.1')
    expect(await page.locator('#position').textContent()).toBe('1:while_(more)(1:count)')
    expect(await page.locator('#waiting').textContent()).toContain('task (ctx.opened)')
    expect(await page.locator('#history tbody tr').count()).toBeGreaterThanOrEqual(3)
    expect(pageErrors).toEqual([])
  })

  it('pauses and plays the live process and follows it to its end without reloading', async () => {
    const target = seeded.gated[0] as string
    // Gone if the page were loaded again.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }))

    await page.locator('#pause').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toBe(`${target} paused`)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITINGpaused')
    expect(await page.locator('#play').isEnabled()).toBe(true)

    // The first gate opens while it is paused: it goes on only once played, to the second.
    openGate(target, 0)
    await page.locator('#play').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toBe(`${target} played`)
    await expect.poll(() => page.locator('#ctx').textContent(), SEEN_WITHIN).toContain('"round": 1')
    expect(await page.locator('#state').textContent()).toBe('WAITING')
    // Nothing on the page asks now: what it shows next comes from the broker's broadcasts,
    // through the event stream.
    openGate(target, 1)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('FINISHED')
    expect(await page.locator('#diagram svg .node.current').getAttribute('data-cursor')).toBe('end')
    expect(await page.locator('#pause').isDisabled()).toBe(true)
    const kinds = await page
      .locator('#history tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.className))
    expect(kinds).toContain('kind-paused')
    expect(kinds).toContain('kind-played')
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    )
    expect(pageErrors).toEqual([])
  })

  it('sends a signal: a bad payload is refused with its path, a good one lets it finish', async () => {
    const approval = seeded.runner.create(Approval, {})
    const finished = approval.execute()
    await waitForState(seeded.runner, approval.pid, 'WAITING')
    await seeded.runner.flush()
    await page.goto(new URL(`/#/process/${approval.pid}`, dashboard.url).href)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITING')
    await page.locator('#signal-name').fill('approve')
    await page.locator('#signal-payload').fill('{"by": 7}')
    await page.locator('#signal').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toMatch(/^signal failed: .*\bby\b/)
    expect(approval.state).toBe('WAITING')
    await page.locator('#signal-payload').fill('{"by": "ann"}')
    await page.locator('#signal').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toBe(`${approval.pid} signalled approve`)
    expect(await finished).toEqual({ by: 'ann' })
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('FINISHED')
    expect(pageErrors).toEqual([])
  })

  it('resumes: a resume that comes early shows in the inbox, a bad value is refused by path', async () => {
    const review = seeded.runner.create(Review, {})
    const finished = review.execute()
    await waitForState(seeded.runner, review.pid, 'WAITING')
    await seeded.runner.flush()
    await page.goto(new URL(`/#/process/${review.pid}`, dashboard.url).href)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITING')
    expect(await page.locator('#inbox').count()).toBe(0)
    // Refused on the page before anything is sent.
    await page.locator('#resume-value').fill('yes')
    await page.locator('#resume').click()
    expect(await page.locator('#control-result').textContent()).toMatch(/^value: not JSON \(/)
    // Early: it waits for an approval first, so the resume is kept and shown in its inbox.
    await page.locator('#resume-value').fill('"yes"')
    await page.locator('#resume').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toBe(`${review.pid} resumed`)
    await expect.poll(() => page.locator('#inbox').textContent(), SEEN_WITHIN).toBe('resume')
    await page.locator('#signal-name').fill('note')
    await page.locator('#signal-payload').fill('"later"')
    await page.locator('#signal').click()
    await expect
      .poll(() => page.locator('#inbox li').allTextContents(), SEEN_WITHIN)
      .toEqual(['resume', 'signal note'])
    review.signal(Approve, { by: 'ann' })
    expect(await finished).toEqual({ by: 'ann', verdict: 'yes' })
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('FINISHED')
    expect(await page.locator('#resume').isDisabled()).toBe(true)

    // Waiting for it: the wait's codec checks the value at once, and refuses a number by path.
    const second = seeded.runner.create(Review, {})
    const done = second.execute()
    second.signal(Approve, { by: 'bo' })
    await waitForState(seeded.runner, second.pid, 'WAITING')
    await seeded.runner.flush()
    await page.goto(new URL(`/#/process/${second.pid}`, dashboard.url).href)
    await expect
      .poll(() => page.locator('#waiting').textContent(), SEEN_WITHIN)
      .toContain('a verdict')
    await page.locator('#resume-value').fill('5')
    await page.locator('#resume').click()
    await expect
      .poll(() => page.locator('#control-result').textContent(), SEEN_WITHIN)
      .toMatch(/^resume failed: .*value: expected string, got 5$/)
    expect(second.state).toBe('WAITING')
    await page.locator('#resume-value').fill('"no"')
    await page.locator('#resume').click()
    expect(await done).toEqual({ by: 'bo', verdict: 'no' })
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('FINISHED')
    expect(pageErrors).toEqual([])
  })

  it('shows a pause and a play made elsewhere (another program) as they happen', async () => {
    const target = seeded.gated[1] as string
    await page.goto(new URL(`/#/process/${target}`, dashboard.url).href)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITING')
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }))
    // Someone is typing a signal's name meanwhile: the redraws leave the input alone.
    await page.locator('#signal-name').fill('')
    await page.locator('#signal-name').focus()
    await page.keyboard.type('appr')
    // Not through the page: as `plumpy-ts pause` would, on a connection of its own.
    const elsewhere = new RemoteProcessController(await broker.open())
    expect(await elsewhere.pauseProcess(target, 'from the command line')).toBe(true)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITINGpaused')
    await page.keyboard.type('ove')
    expect(await page.locator('#signal-name').inputValue()).toBe('approve')
    expect(await elsewhere.playProcess(target)).toBe(true)
    await expect.poll(() => page.locator('#state').textContent(), SEEN_WITHIN).toBe('WAITING')
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    )
    expect(pageErrors).toEqual([])
  })
})
