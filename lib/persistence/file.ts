/**
 * The file persister: one JSON file per checkpoint in one directory (see `file-names.ts` for the
 * names). A save writes a temp file beside the target, flushes it and renames it over the target,
 * so a reader or a crash sees the old checkpoint or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import { encodePart, fileNameOf, hashedHeader, parseFileName, splitHashed } from './file-names.js'
import type { DamagedEntry, PersistedCheckpoint, Persister } from './persister.js'
import { byAddress, checkpointText, loadStored, notFound } from './stored.js'

/** Options of {@link FilePersister}. */
export interface FilePersisterOptions {
  /** Where the checkpoint files go; created on first use. */
  readonly directory: string
  /**
   * Flush every file and the directory to disk before a save resolves (default true). Without
   * it a crash of the machine (not of the process) may lose the latest saves.
   */
  readonly durable?: boolean
}

/**
 * Checkpoints as JSON files in a directory.
 *
 * @example
 * const persister = new FilePersister({ directory: '/var/lib/plumpy/checkpoints' })
 * await persister.saveCheckpoint(bundle, 'before-migration')
 */
export class FilePersister implements Persister {
  private readonly directory: string
  private readonly durable: boolean
  private made: Promise<void> | undefined

  constructor(options: FilePersisterOptions) {
    this.directory = options.directory
    this.durable = options.durable ?? true
  }

  async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    await this.ready()
    const text = checkpointText(bundle)
    const file = fileNameOf(bundle.pid, tag)
    const content = file._tag === 'Named' ? text : `${hashedHeader(bundle.pid, tag)}\n${text}`
    const target = join(this.directory, file.name)
    // A unique temp name per save: concurrent saves of one checkpoint never share a temp file,
    // and the last rename wins. The leading dot keeps temp files out of listings.
    const temp = join(this.directory, `.${file.name}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      const handle = await open(temp, 'wx')
      try {
        await handle.writeFile(content, 'utf8')
        if (this.durable) await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, target)
    } catch (error) {
      await unlink(temp).catch(() => undefined)
      throw error
    }
    if (this.durable) await this.syncDirectory()
  }

  async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    const file = fileNameOf(pid, tag)
    const text = await this.read(file.name)
    if (text === undefined) throw notFound(pid, tag)
    if (file._tag === 'Named') return loadStored(text, pid, tag)
    const hashed = splitHashed(text)
    if (hashed === undefined) {
      throw new CheckpointError('unreadable', pid, tag, `the header of ${file.name} is unreadable`)
    }
    if (hashed.pid !== pid || hashed.tag !== tag) throw notFound(pid, tag)
    return loadStored(hashed.body, pid, tag)
  }

  async getCheckpoints(): Promise<PersistedCheckpoint[]> {
    return this.list(() => true)
  }

  async getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    // Names start with the encoded pid: skip the others without parsing (or reading) them.
    const stem = encodePart(pid)
    const mine = (name: string) =>
      name === `${stem}.json` || name.startsWith(`${stem}~`) || name.startsWith('#')
    return (await this.list(mine)).filter((checkpoint) => checkpoint.pid === pid)
  }

  async deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    try {
      await unlink(join(this.directory, fileNameOf(pid, tag).name))
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }

  async deleteProcessCheckpoints(pid: string): Promise<void> {
    for (const { tag } of await this.getProcessCheckpoints(pid))
      await this.deleteCheckpoint(pid, tag)
  }

  /**
   * Files that look like checkpoints but cannot be listed: a hashed file whose header line is
   * damaged, or a `.json` file whose name this store never writes (renamed by hand, say).
   */
  async damaged(): Promise<DamagedEntry[]> {
    const damaged: DamagedEntry[] = []
    for (const name of await this.names()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue
      const parsed = parseFileName(name)
      if (parsed._tag === 'Other')
        damaged.push({ name, reason: 'not a checkpoint file name this store writes' })
      if (parsed._tag === 'Hashed') {
        const text = await this.read(name)
        if (text !== undefined && splitHashed(text) === undefined)
          damaged.push({
            name,
            reason: 'its header line (the pid and tag of a long name) is unreadable',
          })
      }
    }
    return damaged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async close(): Promise<void> {}

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.directory)
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
  }

  /** The checkpoints among the directory's entries whose names pass `keep`. */
  private async list(keep: (name: string) => boolean): Promise<PersistedCheckpoint[]> {
    const names = await this.names()
    const all: PersistedCheckpoint[] = []
    for (const name of names.filter(keep)) {
      const parsed = parseFileName(name)
      if (parsed._tag === 'Named') all.push({ pid: parsed.pid, tag: parsed.tag })
      if (parsed._tag === 'Hashed') {
        // Only long pids and tags get hashed names; their address is the file's first line.
        // A file whose header is unreadable cannot be listed, and loading it reports why.
        const text = await this.read(name)
        const hashed = text === undefined ? undefined : splitHashed(text)
        if (hashed !== undefined) all.push({ pid: hashed.pid, tag: hashed.tag })
      }
    }
    return all.sort(byAddress)
  }

  private ready(): Promise<void> {
    if (this.made === undefined) {
      this.made = mkdir(this.directory, { recursive: true }).then(
        () => undefined,
        (error: unknown) => {
          this.made = undefined
          throw error
        },
      )
    }
    return this.made
  }

  private async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.directory, name), 'utf8')
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  /** Make the rename itself durable. Some platforms cannot open a directory: best effort there. */
  private async syncDirectory(): Promise<void> {
    let handle
    try {
      handle = await open(this.directory, 'r')
      await handle.sync()
    } catch (_) {
      // Not supported here (Windows): the file itself was flushed before the rename.
    } finally {
      await handle?.close()
    }
  }
}

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
