import { describe, expect, it } from 'vitest'
import { filtersToParams, filtersToQuery, mergeQuery, normalizeFilters, parseFilters, type Filters } from './filters'

describe('filters ↔ URL', () => {
  const full: Filters = {
    year: 2026,
    tier: '1b',
    chain: 'machine_tool',
    list: 'province_major',
    status: 'under_construction',
    light: 'red',
    town: '370481113',
    q: '新材料 项目',
  }

  it('round-trips every filter', () => {
    expect(parseFilters(filtersToQuery(full))).toEqual(full)
    for (const [k, v] of Object.entries(full)) {
      const one = { [k]: v } as Filters
      expect(parseFilters(filtersToQuery(one))).toEqual(one)
    }
  })

  it('round-trips through a real URL', () => {
    const url = new URL('http://x/ledger?' + new URLSearchParams(filtersToQuery(full)).toString())
    const query = Object.fromEntries(url.searchParams.entries())
    expect(parseFilters(query)).toEqual(full)
  })

  it('omits defaults from the URL', () => {
    expect(filtersToQuery({})).toEqual({})
    expect(filtersToQuery({ q: '  ', year: undefined })).toEqual({})
    expect(filtersToQuery({ light: 'red' })).toEqual({ light: 'red' })
    expect(filtersToParams({}).toString()).toBe('')
  })

  it('drops unknown and invalid values', () => {
    expect(
      parseFilters({
        year: 'abc', tier: '2b', chain: 'steel', list: 'national', status: 'done', light: 'purple',
        town: '12345', q: '', foo: 'bar',
      }),
    ).toEqual({})
    expect(parseFilters({ year: '1899' })).toEqual({})
    expect(parseFilters({ year: '2026.5' })).toEqual({})
    expect(parseFilters({ town: '<script>' })).toEqual({})
    expect(parseFilters({ light: ['purple', 'red'] })).toEqual({})
    expect(parseFilters({ light: ['red', 'yellow'] })).toEqual({ light: 'red' })
    expect(parseFilters({ q: '  x  ' })).toEqual({ q: 'x' })
    expect(parseFilters({ q: 'a'.repeat(500) }).q).toHaveLength(100)
  })

  it('normalises values from the controls', () => {
    expect(normalizeFilters({ year: 2026, town: '', light: null, q: 'a' })).toEqual({ year: 2026, q: 'a' })
  })

  it('keeps the other query keys when writing filters', () => {
    expect(mergeQuery({ measure: 'investment', light: 'red', page: '2' }, { tier: '5b' })).toEqual({
      measure: 'investment',
      page: '2',
      tier: '5b',
    })
  })

  it('makes API parameters with extras', () => {
    expect(filtersToParams({ year: 2026, light: 'red' }, { limit: 50, offset: 0, x: undefined }).toString()).toBe(
      'year=2026&light=red&limit=50&offset=0',
    )
  })
})
