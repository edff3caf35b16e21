/**
 * `npm run screenshots`: the README's pictures of the dashboard, taken with Debian's Chromium
 * (as the browser test drives it) from a store filled by `seed`: the table, and the page of a
 * work chain waiting in the second round of its loop. Writes docs/dashboard-table.png and
 * docs/dashboard-process.png.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { startDashboard } from '../../lib/dashboard/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/index.js'
import { launchChromium } from './browser.js'
import { Broken, Gated, openGate, Pipeline, Work } from './fixtures/definitions.js'
import { seed, waitForState } from './seed.js'

const dir = mkdtempSync(join(tmpdir(), 'plumpy-screenshots-'))
const persister = new SqlitePersister({ path: join(dir, 'store.db') })
const communicator = new LocalCommunicator()
const seeded = await seed({ persister, communicator, pipelines: 5, gated: 3 })
const shown = seeded.gated[0] as string
openGate(shown, 0)
await waitForState(seeded.runner, shown, 'RUNNING').catch(() => undefined)
await waitForState(seeded.runner, shown, 'WAITING')
await seeded.runner.flush()
const dashboard = await startDashboard({
  store: persister,
  communicator,
  registry: DefinitionRegistry.of(Gated, Broken, Pipeline, Work),
  port: 0,
  logger: silentLogger,
})
const chromium = await launchChromium()
try {
  const page = await chromium.context.newPage()
  await page.setViewportSize({ width: 1200, height: 720 })
  await page.goto(dashboard.url)
  await page.locator('#processes tbody tr').nth(20).waitFor()
  await page.locator('#live.on').waitFor()
  await page.screenshot({ path: 'docs/dashboard-table.png' })
  await page.goto(`${dashboard.url}#/process/${shown}`)
  await page.locator('#diagram svg .node.current').waitFor()
  await page.locator('#live.on').waitFor()
  await page.setViewportSize({ width: 1200, height: 1000 })
  await page.screenshot({ path: 'docs/dashboard-process.png', fullPage: true })
  console.log('wrote docs/dashboard-table.png and docs/dashboard-process.png')
} finally {
  await chromium.close()
  await dashboard.close()
  await seeded.finish()
  await communicator.close()
  persister.close()
  rmSync(dir, { recursive: true, force: true })
}
