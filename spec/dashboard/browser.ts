/**
 * Debian's Chromium, driven by playwright-core, for the dashboard's browser test and its
 * screenshots: the system's executable (nothing downloaded), headless, with everything that
 * would reach the network switched off, and a fresh profile each time.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium'

/** A browser, and a way to close it and remove its profile. */
export interface HeadlessBrowser {
  /** A context on the fresh profile: open pages with `context.newPage()`. */
  readonly context: BrowserContext
  close(): Promise<void>
}

/** Launches Chromium headless, or says how to install it. */
export const launchChromium = async (): Promise<HeadlessBrowser> => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; ` +
        'scripts/test.sh does it when run as root)',
    )
  const profile = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'chromium-'))
  // A persistent context is how playwright takes a profile directory of one's own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    // These keep Chromium off the network (this machine reaches no other host) and quiet.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
