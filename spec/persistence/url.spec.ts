import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FilePersister } from '../../lib/persistence/file.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { openPersister } from '../../lib/persistence/url.js'
import { expectSame } from './conformance.js'
import { created } from './fixtures.js'

describe('openPersister', () => {
  let directory: string
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-url-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('opens an in-memory persister for memory:', async () => {
    expect(await openPersister('memory:')).toBeInstanceOf(InMemoryPersister)
  })

  it('opens a file persister for file: URLs, encoded or relative', async () => {
    const persister = await openPersister(`file:${join(directory, 'with%20space')}`)
    expect(persister).toBeInstanceOf(FilePersister)
    await persister.saveCheckpoint(created)
    expect(await readdir(directory)).toEqual(['with space'])
    expect(await openPersister('file:relative/dir')).toBeInstanceOf(FilePersister)
  })

  it('opens SQLite for sqlite: URLs and for .db, .sqlite and .sqlite3 paths', async () => {
    for (const url of [
      `sqlite:${join(directory, 'a.db')}`,
      join(directory, 'b.db'),
      join(directory, 'c.sqlite'),
      join(directory, 'd.SQLITE3'),
      'sqlite::memory:',
    ]) {
      const persister = await openPersister(url, { incremental: { compactEvery: 3 } })
      expect(persister).toBeInstanceOf(SqlitePersister)
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(created)
      expectSame(await persister.loadCheckpoint(created.pid), created)
      await persister.close()
    }
  })

  it('opens PostgreSQL for postgres:// and postgresql:// URLs, connecting on first use', async () => {
    for (const url of ['postgres://nobody@127.0.0.1:1/x', 'postgresql://nobody@127.0.0.1:1/x']) {
      const persister = await openPersister(url)
      expect(persister).toBeInstanceOf(PostgresPersister)
      await persister.close()
    }
  })

  it('refuses anything else, naming the forms it accepts', async () => {
    for (const url of ['', 'redis://x', 'mem:', 'checkpoints.json', 'file:', 'http://x/y.db']) {
      await expect(openPersister(url)).rejects.toThrow(/persister URL|names no path/)
    }
    await expect(openPersister('redis://x')).rejects.toThrow(/memory:, file:<directory>, sqlite:/)
  })
})
