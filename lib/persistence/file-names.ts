/**
 * File names for checkpoints, safe for any pid and tag. `[a-z0-9_-]` stays as it is (a UUID pid
 * reads as itself); every other UTF-16 unit becomes `%XX` or `%uXXXX`. Upper case letters are
 * escaped too, so two names never differ only by case (macOS and Windows disks would merge them),
 * and `.` and `~` never appear in an encoded part, which keeps the layout unambiguous:
 *
 * - `<pid>.json` is the untagged checkpoint;
 * - `<pid>~<tag>.json` is a tagged one (`<pid>~.json` for the empty tag);
 * - `#<sha-256>.json` is one whose name would be too long; that file starts with a header line
 *   naming its pid and tag, and the checkpoint follows on the next line.
 */
import { createHash } from 'node:crypto'

/** Longest name written as is; file systems allow 255 bytes, and temp names add a suffix. */
const MAX_NAME = 200

const SUFFIX = '.json'

/** Escape every unit outside `[a-z0-9_-]`. */
export const encodePart = (text: string): string =>
  text.replace(/[^a-z0-9_-]/g, (unit) => {
    const code = unit.charCodeAt(0)
    return code < 0x100
      ? `%${code.toString(16).toUpperCase().padStart(2, '0')}`
      : `%u${code.toString(16).toUpperCase().padStart(4, '0')}`
  })

/** Undo `encodePart`; undefined for text it cannot have produced. */
export const decodePart = (part: string): string | undefined => {
  if (!/^(?:[a-z0-9_-]|%[0-9A-F]{2}|%u[0-9A-F]{4})*$/.test(part)) return undefined
  return part.replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, wide?: string, narrow?: string) =>
    String.fromCharCode(parseInt(wide ?? narrow ?? '', 16)),
  )
}

/** How a checkpoint file is named, and whether its pid and tag are in the name or inside. */
export type CheckpointFileName =
  | { readonly _tag: 'Named'; readonly name: string }
  | { readonly _tag: 'Hashed'; readonly name: string }

/** The file name of (pid, tag). */
export const fileNameOf = (pid: string, tag: string | undefined): CheckpointFileName => {
  const stem = tag === undefined ? encodePart(pid) : `${encodePart(pid)}~${encodePart(tag)}`
  if (stem.length + SUFFIX.length <= MAX_NAME) return { _tag: 'Named', name: stem + SUFFIX }
  const digest = createHash('sha256')
    .update(JSON.stringify([pid, tag ?? null]))
    .digest('hex')
  return { _tag: 'Hashed', name: `#${digest}${SUFFIX}` }
}

/** What a directory entry is: a named checkpoint, a hashed one (read its header), or neither. */
export type ParsedFileName =
  | { readonly _tag: 'Named'; readonly pid: string; readonly tag: string | undefined }
  | { readonly _tag: 'Hashed' }
  | { readonly _tag: 'Other' }

const OTHER: ParsedFileName = { _tag: 'Other' }

/** Read a directory entry's name; temp files and strangers are `Other`. */
export const parseFileName = (name: string): ParsedFileName => {
  if (!name.endsWith(SUFFIX)) return OTHER
  const stem = name.slice(0, -SUFFIX.length)
  if (/^#[0-9a-f]{64}$/.test(stem)) return { _tag: 'Hashed' }
  const [pidPart, tagPart, extra] = stem.split('~')
  if (pidPart === undefined || extra !== undefined) return OTHER
  const pid = decodePart(pidPart)
  const tag = tagPart === undefined ? undefined : decodePart(tagPart)
  if (pid === undefined || (tagPart !== undefined && tag === undefined)) return OTHER
  // Only names this module writes: `%61` would decode to `a`, but `a` is written as itself.
  if (fileNameOf(pid, tag).name !== name) return OTHER
  return { _tag: 'Named', pid, tag }
}

/** The header line of a hashed file. */
export const hashedHeader = (pid: string, tag: string | undefined): string =>
  JSON.stringify(tag === undefined ? { pid } : { pid, tag })

/** Split a hashed file into its address and checkpoint text; undefined when the header is bad. */
export const splitHashed = (
  text: string,
):
  | { readonly pid: string; readonly tag: string | undefined; readonly body: string }
  | undefined => {
  const newline = text.indexOf('\n')
  if (newline < 0) return undefined
  try {
    const header: unknown = JSON.parse(text.slice(0, newline))
    if (typeof header !== 'object' || header === null) return undefined
    const { pid, tag } = header as { pid?: unknown; tag?: unknown }
    if (typeof pid !== 'string' || (tag !== undefined && typeof tag !== 'string')) return undefined
    return { pid, tag, body: text.slice(newline + 1) }
  } catch (_) {
    return undefined
  }
}
