import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FilePersister } from '../../lib/persistence/file.js'
import {
  decodePart,
  encodePart,
  fileNameOf,
  parseFileName,
} from '../../lib/persistence/file-names.js'
import { expectSame, persisterConformance } from './conformance.js'
import { created, loopCheckpoint, withPid } from './fixtures.js'

const tempDirectory = () => mkdtemp(join(tmpdir(), 'plumpy-file-persister-'))

persisterConformance('FilePersister', async () => {
  const directory = await tempDirectory()
  // Not durable: the suite checks the layout, not the disk's flushes (see the durable test below).
  const persister = new FilePersister({
    directory: join(directory, 'made-on-first-save'),
    durable: false,
  })
  return {
    persister,
    cleanup: async () => {
      await persister.close()
      await rm(directory, { recursive: true, force: true })
    },
    corrupt: async (pid, tag, body = 'garbage{') => {
      await writeFile(join(directory, 'made-on-first-save', fileNameOf(pid, tag).name), body)
    },
  }
})

describe('FilePersister', () => {
  let directory: string
  beforeEach(async () => {
    directory = await tempDirectory()
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('writes one readable JSON file per checkpoint, and leaves no temp file', async () => {
    const persister = new FilePersister({ directory })
    await persister.saveCheckpoint(created)
    await persister.saveCheckpoint(created, 'Before Migration')
    expect((await readdir(directory)).sort()).toEqual([
      `${created.pid}.json`,
      `${created.pid}~%42efore%20%4Digration.json`,
    ])
  })

  it('keeps pids and tags of any length and alphabet', async () => {
    const persister = new FilePersister({ directory, durable: false })
    const long = 'P'.repeat(300)
    const odd = 'a/b\\c:d*?"<>|~.%..\u0000\ud800é😀'
    for (const [pid, tag] of [
      [long, undefined],
      [long, long],
      [odd, undefined],
      [odd, odd],
      ['x', '~'],
    ] as const) {
      const bundle = withPid(loopCheckpoint(pid, 1), pid)
      await persister.saveCheckpoint(bundle, tag)
      expectSame(await persister.loadCheckpoint(pid, tag), bundle)
    }
    expect(await persister.getCheckpoints()).toHaveLength(5)
    await persister.deleteProcessCheckpoints(long)
    expect(await persister.getCheckpoints()).toHaveLength(3)
  })

  it('ignores files it did not write', async () => {
    const persister = new FilePersister({ directory })
    await writeFile(join(directory, 'README.txt'), 'hello')
    await writeFile(join(directory, '.abc.json.123.tmp'), '{')
    await writeFile(join(directory, 'UPPER.json'), '{}')
    await writeFile(join(directory, '%61.json'), '{}')
    expect(await persister.getCheckpoints()).toEqual([])
  })

  it('leaves out what is not a regular file: a FIFO, a directory, a link', async () => {
    const persister = new FilePersister({ directory })
    await persister.saveCheckpoint(created)
    // Reading a FIFO waits for a writer that never comes: listing or loading it must not.
    execFileSync('mkfifo', [join(directory, 'fifo.json')])
    await mkdir(join(directory, 'folder.json'))
    await symlink(join(directory, `${created.pid}.json`), join(directory, 'link.json'))
    expect(await persister.getCheckpoints()).toEqual([{ pid: created.pid, tag: undefined }])
    expect(await persister.getProcessCheckpoints('fifo')).toEqual([])
    await expect(persister.loadCheckpoint('fifo')).rejects.toMatchObject({
      problem: 'unreadable',
      reason: 'fifo.json is a FIFO, not a file',
    })
    await expect(persister.loadCheckpoint('folder')).rejects.toMatchObject({
      reason: 'folder.json is a directory, not a file',
    })
    await expect(persister.loadCheckpoint('link')).rejects.toMatchObject({
      reason: 'link.json is a symbolic link, not a file',
    })
    expect(await persister.damaged()).toEqual([
      { name: 'fifo.json', reason: 'a FIFO, not a file: left out of the store' },
      { name: 'folder.json', reason: 'a directory, not a file: left out of the store' },
      { name: 'link.json', reason: 'a symbolic link, not a file: left out of the store' },
    ])
    // A save under such a name replaces it with a checkpoint.
    await persister.saveCheckpoint(withPid(created, 'fifo'))
    expect((await persister.loadCheckpoint('fifo')).pid).toBe('fifo')
  })

  it('refuses a checkpoint stored under another pid', async () => {
    const persister = new FilePersister({ directory })
    await persister.saveCheckpoint(created)
    await rename(join(directory, `${created.pid}.json`), join(directory, 'impostor.json'))
    await expect(persister.loadCheckpoint('impostor')).rejects.toMatchObject({
      problem: 'malformed',
      pid: 'impostor',
    })
  })
})

describe('file names', () => {
  it('encode reversibly, without upper case, dots or tildes', () => {
    for (const text of ['', 'abc-_09', 'ABC', 'a.b~c%d', '\u0000\ud800\udfff😀é']) {
      const encoded = encodePart(text)
      expect(encoded).not.toMatch(/[.~]/)
      expect(encoded.replace(/%u?[0-9A-F]+/g, '')).not.toMatch(/[A-Z]/)
      expect(decodePart(encoded)).toBe(text)
    }
    expect(parseFileName(fileNameOf('p', 'Q').name)).toEqual({ _tag: 'Named', pid: 'p', tag: 'Q' })
    expect(parseFileName(fileNameOf('p', '').name)).toEqual({ _tag: 'Named', pid: 'p', tag: '' })
    expect(parseFileName(fileNameOf('p', undefined).name)).toEqual({
      _tag: 'Named',
      pid: 'p',
      tag: undefined,
    })
  })
})
