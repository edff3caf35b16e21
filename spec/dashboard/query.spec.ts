/** The table's URL parameters as a catalog query, and the errors that name a bad one. */
import { describe, expect, it } from 'vitest'
import { queryOf } from '../../lib/dashboard/query.js'

const query = (text: string) => queryOf(new URLSearchParams(text))

describe('queryOf', () => {
  it('gives the newest first, 50 at a time, with no filter by default', () => {
    expect(query('')).toEqual({ sort: 'created', order: 'desc', limit: 50, offset: 0 })
  })

  it('reads every filter', () => {
    expect(
      query(
        'state=WAITING&state=RUNNING&definition=Pipeline@2&q=abc&roots=1&paused=0' +
          '&sort=modified&order=asc&limit=20&offset=40',
      ),
    ).toEqual({
      states: ['WAITING', 'RUNNING'],
      definition: 'Pipeline@2',
      search: 'abc',
      rootsOnly: true,
      paused: false,
      sort: 'modified',
      order: 'asc',
      limit: 20,
      offset: 40,
    })
  })

  it('leaves out empty values', () => {
    expect(query('state=&q=%20&definition=&roots=&paused=')).toEqual(query(''))
  })

  it('names the parameter that is wrong, and why', () => {
    expect(() => query('state=DONE')).toThrow(
      "state: 'DONE' is not one of CREATED, RUNNING, WAITING, FINISHED, EXCEPTED, KILLED",
    )
    expect(() => query('paused=maybe')).toThrow("paused: 'maybe' is not 1, true, 0 or false")
    expect(() => query('sort=name')).toThrow("sort: 'name' is not one of created, modified")
    expect(() => query('limit=0')).toThrow("limit: '0' is not a whole number from 1 to 500")
    expect(() => query('offset=-1')).toThrow('offset: ')
    expect(() => query('limit=2.5')).toThrow('limit: ')
  })
})
