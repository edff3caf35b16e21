/**
 * The process filters of `list`, `pause|play|kill --all`: `--state`, `--definition`, `--roots`,
 * `--paused`, `--since`, turned into a store query (see `ProcessFilter`).
 */
import { InvalidArgumentError, type Command } from 'commander'
import type { ProcessFilter } from '../../persistence/catalog/query.js'
import { STATE_NAMES, type StateName } from '../../process/state.js'

/** The filter options as commander gives them. */
export interface FilterOptions {
  readonly state?: readonly StateName[]
  readonly definition?: string
  readonly roots?: boolean
  readonly paused?: boolean
  readonly since?: SinceValue
}

/** `--since`: an absolute time, or a span back from now. */
export type SinceValue =
  | { readonly _tag: 'At'; readonly ms: number }
  | { readonly _tag: 'Ago'; readonly ms: number }

const UNITS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3_600e3, d: 86_400e3 }

/** Parses `--since`: `30m`, `2h`, `7d` (that long ago), or a date and time (`2026-01-31T12:00`). */
export const parseSince = (value: string): SinceValue => {
  const span = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value)
  if (span !== null)
    return { _tag: 'Ago', ms: Number(span[1]) * (UNITS[span[2] as string] as number) }
  const at = Date.parse(value)
  if (Number.isNaN(at))
    throw new InvalidArgumentError(
      `'${value}' is neither a span (30m, 2h, 7d) nor a date and time (2026-01-31T12:00Z).`,
    )
  return { _tag: 'At', ms: at }
}

/** Parses `--state`: states separated by commas, in any case. */
export const parseStates = (value: string): StateName[] =>
  value.split(',').map((part) => {
    const name = part.trim().toUpperCase()
    if (!(STATE_NAMES as readonly string[]).includes(name))
      throw new InvalidArgumentError(`'${part}' is not a state: ${STATE_NAMES.join(', ')}.`)
    return name as StateName
  })

/** Adds the filter options to a command. */
export const filterOptions = (command: Command): Command =>
  command
    .option(
      '--state <states>',
      'only in these states (comma-separated: waiting,running)',
      parseStates,
    )
    .option('--definition <name>', 'only of this definition: Name, or Name@version')
    .option('--roots', 'only processes without a parent')
    .option('--paused', 'only paused processes')
    .option('--since <when>', 'only created since then: 30m, 2h, 7d ago, or a date', parseSince)

/** The store filter of the options, `now` being the time the command started. */
export const filterOf = (options: FilterOptions, now: number): ProcessFilter => ({
  ...(options.state === undefined ? {} : { states: options.state }),
  ...(options.definition === undefined ? {} : { definition: options.definition }),
  ...(options.roots === true ? { rootsOnly: true } : {}),
  ...(options.paused === true ? { paused: true } : {}),
  ...(options.since === undefined
    ? {}
    : { createdSince: options.since._tag === 'At' ? options.since.ms : now - options.since.ms }),
})

/** Whether any filter option was given (`--all` without one means every live process). */
export const hasFilter = (options: FilterOptions): boolean =>
  Object.keys(filterOf(options, 0)).length > 0
