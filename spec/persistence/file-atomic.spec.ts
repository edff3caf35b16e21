/**
 * The file persister writes each checkpoint to a temp file and renames it over the target, so a
 * reader, a crash or a failed save sees the old checkpoint or the new one, never part of one.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { FilePersister } from '../../lib/persistence/file.js'
import { fileNameOf } from '../../lib/persistence/file-names.js'
import { expectSame } from './conformance.js'
import { loopCheckpoint } from './fixtures.js'

const PID = 'atomic'

/** A checkpoint big enough (about 1 MB) that writing it takes many writes. */
const big = (marker: string): Bundle => {
  const bundle = loopCheckpoint(PID, 1)
  return {
    ...bundle,
    snapshot: { ...bundle.snapshot, ctx: { marker, rows: Array(20_000).fill(marker.repeat(50)) } },
  }
}

describe('FilePersister writes atomically', () => {
  let directory: string
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-file-atomic-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('never lets a reader see a checkpoint being rewritten half-way', async () => {
    const persister = new FilePersister({ directory, durable: false })
    const versions = { a: big('a'), b: big('b') }
    await persister.saveCheckpoint(versions.a)
    let writing = true
    const writer = (async () => {
      for (let i = 0; i < 30; i++)
        await persister.saveCheckpoint(i % 2 === 0 ? versions.b : versions.a)
      writing = false
    })()
    // Readers load over and over while the writer rewrites the file.
    const reader = async () => {
      const seen: Bundle[] = []
      while (writing) seen.push(await persister.loadCheckpoint(PID))
      return seen
    }
    const [, ...seen] = await Promise.all([writer, reader(), reader(), reader()])
    const loaded = seen.flat()
    expect(loaded.length).toBeGreaterThan(30)
    for (const bundle of loaded) {
      const marker = (bundle.snapshot.ctx as { marker: 'a' | 'b' }).marker
      expectSame(bundle, versions[marker])
    }
    // Every save renamed its own temp file away: only the checkpoint is left.
    expect(await readdir(directory)).toEqual([fileNameOf(PID, undefined).name])
  })

  it('ignores the half-written temp file a crash left behind', async () => {
    const persister = new FilePersister({ directory, durable: false })
    const old = loopCheckpoint(PID, 1)
    await persister.saveCheckpoint(old)
    const name = fileNameOf(PID, undefined).name
    const newer = await readFile(join(directory, name), 'utf8')
    // What a save interrupted before its rename leaves: part of the new text, under a temp name.
    await writeFile(join(directory, `.${name}.0123456789ab.tmp`), newer.slice(0, 20))
    expect(await persister.getCheckpoints()).toEqual([{ pid: PID, tag: undefined }])
    expectSame(await persister.loadCheckpoint(PID), old)
    const next = loopCheckpoint(PID, 2)
    await persister.saveCheckpoint(next)
    expectSame(await persister.loadCheckpoint(PID), next)
  })

  it('keeps the old checkpoint and removes its temp file when a save fails', async () => {
    const persister = new FilePersister({ directory, durable: false })
    const tagged = loopCheckpoint(PID, 1)
    await persister.saveCheckpoint(tagged, 'kept')
    // A directory in the way of the target: the rename fails after the temp file is written.
    const blocked = fileNameOf(PID, undefined).name
    await mkdir(join(directory, blocked, 'inside'), { recursive: true })
    await expect(persister.saveCheckpoint(loopCheckpoint(PID, 2))).rejects.toThrow()
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    expectSame(await persister.loadCheckpoint(PID, 'kept'), tagged)
  })
})
