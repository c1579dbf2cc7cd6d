import { describe, expect, it } from 'vitest'
import { fieldChanges, flatten } from './diff'

describe('field diff', () => {
  it('flattens nested values with paths', () => {
    expect(flatten({ a: 1, m: { start: { planned: '2026-01-01' } }, lists: [{ year: 2026 }] })).toEqual({
      a: 1,
      'm.start.planned': '2026-01-01',
      'lists[0].year': 2026,
    })
  })
  it('lists changed leaves, ignoring bookkeeping', () => {
    const before = { name: 'a', version: 1, milestones: { start: { planned: '2026-01-01', actual: null } } }
    const after = { name: 'b', version: 2, milestones: { start: { planned: '2026-02-01', actual: null } } }
    expect(fieldChanges(before, after)).toEqual([
      { field: 'milestones.start.planned', before: '2026-01-01', after: '2026-02-01' },
      { field: 'name', before: 'a', after: 'b' },
    ])
  })
  it('treats a creation as all fields new', () => {
    expect(fieldChanges(null, { name: 'x', company: null })).toEqual([{ field: 'name', before: null, after: 'x' }])
  })
})
