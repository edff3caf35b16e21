/**
 * The table's URL parameters as a catalog query: `state` (repeatable), `definition`, `roots`,
 * `paused`, `q` (text in pid or status), `sort` (`created`|`modified`), `order` (`asc`|`desc`),
 * `limit` (1 to 500) and `offset`. A bad value is refused naming the parameter and why.
 */
import type { ProcessQuery } from '../persistence/catalog/index.js'
import { STATE_NAMES, type StateName } from '../process/state.js'

/** The largest page the table asks for. */
export const MAX_PAGE = 500

/** The default page of the table. */
export const DEFAULT_PAGE = 50

/** A request parameter that cannot be used, named, with why (answered with status 400). */
export class BadParameterError extends Error {
  override readonly name = 'BadParameterError'
  constructor(parameter: string, reason: string) {
    super(`${parameter}: ${reason}`)
  }
}

/** The catalog query the parameters ask for. */
export const queryOf = (params: URLSearchParams): ProcessQuery => {
  const states = params.getAll('state').filter((value) => value !== '')
  for (const state of states)
    if (!(STATE_NAMES as readonly string[]).includes(state))
      throw new BadParameterError('state', `'${state}' is not one of ${STATE_NAMES.join(', ')}`)
  const definition = text(params, 'definition')
  const search = text(params, 'q')
  const roots = flag(params, 'roots')
  const paused = flag(params, 'paused')
  const sort = choice(params, 'sort', ['created', 'modified'] as const, 'created')
  const order = choice(params, 'order', ['asc', 'desc'] as const, 'desc')
  return {
    ...(states.length === 0 ? {} : { states: states as StateName[] }),
    ...(definition === undefined ? {} : { definition }),
    ...(search === undefined ? {} : { search }),
    ...(roots === true ? { rootsOnly: true } : {}),
    ...(paused === undefined ? {} : { paused }),
    sort,
    order,
    limit: integer(params, 'limit', { min: 1, max: MAX_PAGE, fallback: DEFAULT_PAGE }),
    offset: integer(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
  }
}

const text = (params: URLSearchParams, name: string): string | undefined => {
  const value = params.get(name)?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** `1`/`true`, `0`/`false`, or absent (empty: absent). */
const flag = (params: URLSearchParams, name: string): boolean | undefined => {
  const value = text(params, name)
  if (value === undefined) return undefined
  if (value === '1' || value === 'true') return true
  if (value === '0' || value === 'false') return false
  throw new BadParameterError(name, `'${value}' is not 1, true, 0 or false`)
}

const choice = <C extends string>(
  params: URLSearchParams,
  name: string,
  choices: readonly C[],
  fallback: C,
): C => {
  const value = text(params, name)
  if (value === undefined) return fallback
  if ((choices as readonly string[]).includes(value)) return value as C
  throw new BadParameterError(name, `'${value}' is not one of ${choices.join(', ')}`)
}

const integer = (
  params: URLSearchParams,
  name: string,
  range: { readonly min: number; readonly max: number; readonly fallback: number },
): number => {
  const value = text(params, name)
  if (value === undefined) return range.fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < range.min || parsed > range.max)
    throw new BadParameterError(
      name,
      `'${value}' is not a whole number from ${range.min} to ${range.max}`,
    )
  return parsed
}
