/**
 * The page's files, served from the package: `page/` next to this module (`lib/dashboard/page`
 * in a clone, `dist/dashboard/page` once built). The page is plain HTML, CSS and JavaScript
 * modules, checked by TypeScript (`tsconfig.page.json`) and served as they are: nothing is
 * fetched from elsewhere, and nothing needs building to run from a clone.
 */
import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where the page's files are. */
export const PAGE_DIRECTORY = fileURLToPath(new URL('./page/', import.meta.url))

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
}

/** A file name the page may ask for: a plain name, no path. */
const ASSET = /^[a-z][a-z0-9-]*\.(html|css|js)$/

/** Answers with the page file `name`; false when there is no such file to serve. */
export const serveAsset = async (
  response: ServerResponse,
  name: string,
  directory: string = PAGE_DIRECTORY,
): Promise<boolean> => {
  const match = ASSET.exec(name)
  if (match === null) return false
  let body: Buffer
  try {
    body = await readFile(join(directory, name))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  response.writeHead(200, {
    'content-type': TYPES[match[1] as string] as string,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
  })
  response.end(body)
  return true
}
