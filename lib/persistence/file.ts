/**
 * The file persister: one JSON file per checkpoint in one directory (see `file-names.ts` for the
 * names). A save writes a temp file beside the target, flushes it and renames it over the target,
 * so a reader or a crash sees the old checkpoint or the new one, never half of one. Only regular
 * files are read: a FIFO, a socket, a directory or a link under a checkpoint's name is left out
 * of the listing, reported by `damaged()`, and refused by `loadCheckpoint` (reading a FIFO would
 * wait for a writer forever).
 */
import { constants, type Stats } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises'
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
    const read = await this.read(file.name)
    if (read._tag === 'Missing') throw notFound(pid, tag)
    if (read._tag === 'NotRegular')
      throw new CheckpointError('unreadable', pid, tag, `${file.name} is ${read.kind}, not a file`)
    const text = read.text
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
   * Entries that look like checkpoints but cannot be listed: a hashed file whose header line is
   * damaged, a `.json` file whose name this store never writes (renamed by hand, say), or
   * anything under such a name that is not a regular file.
   */
  async damaged(): Promise<DamagedEntry[]> {
    const damaged: DamagedEntry[] = []
    for (const { name, regular } of await this.entries()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue
      if (!regular) {
        const read = await this.read(name)
        if (read._tag === 'NotRegular')
          damaged.push({ name, reason: `${read.kind}, not a file: left out of the store` })
        continue
      }
      const parsed = parseFileName(name)
      if (parsed._tag === 'Other')
        damaged.push({ name, reason: 'not a checkpoint file name this store writes' })
      if (parsed._tag === 'Hashed') {
        const read = await this.read(name)
        if (read._tag === 'Text' && splitHashed(read.text) === undefined)
          damaged.push({
            name,
            reason: 'its header line (the pid and tag of a long name) is unreadable',
          })
      }
    }
    return damaged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async close(): Promise<void> {}

  /** The directory's entries, and whether each is a regular file (not a link, FIFO, …). */
  private async entries(): Promise<{ readonly name: string; readonly regular: boolean }[]> {
    try {
      const entries = await readdir(this.directory, { withFileTypes: true })
      return entries.map((entry) => ({ name: entry.name, regular: entry.isFile() }))
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
  }

  /** The names of the directory's regular files: the only entries that can be checkpoints. */
  private async names(): Promise<string[]> {
    return (await this.entries()).filter((entry) => entry.regular).map((entry) => entry.name)
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
        const read = await this.read(name)
        const hashed = read._tag === 'Text' ? splitHashed(read.text) : undefined
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

  /**
   * The text of a regular file. Opened without following a link and without blocking (a FIFO
   * opens at once instead of waiting for a writer), then checked to be a regular file.
   */
  private async read(name: string): Promise<Read> {
    let handle
    try {
      handle = await open(join(this.directory, name), READ_FLAGS)
    } catch (error) {
      if (isMissing(error)) return { _tag: 'Missing' }
      const code = (error as { code?: unknown }).code
      if (code === 'ELOOP') return { _tag: 'NotRegular', kind: 'a symbolic link' }
      if (code === 'ENXIO') return { _tag: 'NotRegular', kind: 'a socket' }
      throw error
    }
    try {
      const stats = await handle.stat()
      if (!stats.isFile()) return { _tag: 'NotRegular', kind: kindOf(stats) }
      return { _tag: 'Text', text: await handle.readFile('utf8') }
    } finally {
      await handle.close()
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

/** What reading a directory entry found. */
type Read =
  | { readonly _tag: 'Text'; readonly text: string }
  | { readonly _tag: 'Missing' }
  | { readonly _tag: 'NotRegular'; readonly kind: string }

// Neither flag exists on Windows, which has no FIFOs to block on (and links it follows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)

const kindOf = (stats: Stats): string =>
  stats.isFIFO()
    ? 'a FIFO'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isSocket()
        ? 'a socket'
        : stats.isSymbolicLink()
          ? 'a symbolic link'
          : 'a device'

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
