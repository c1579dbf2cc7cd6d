import { describe, expect, it } from 'vitest'
import { approvalChanges, approvalMilestone, approvalReason, passwordProblem, townCodes, townNames } from './accounts'
import { auditParams, parseRetryAfter } from './accountsApi'
import { auditEntityLink, auditFiltersFromQuery, auditFiltersToQuery } from './auditFilters'

describe('passwordProblem', () => {
  it('at least 10 characters, at most 256, not the username', () => {
    expect(passwordProblem('')).toBe('form.required')
    expect(passwordProblem('123456789')).toBe('password.tooShort')
    expect(passwordProblem('1234567890')).toBeNull()
    expect(passwordProblem('密码密码密码密码密码')).toBeNull() // 10 characters, not bytes
    expect(passwordProblem('x'.repeat(257))).toBe('password.tooLong')
    expect(passwordProblem('Zhang.San.2026', 'zhang.san.2026')).toBe('password.sameAsUsername')
    expect(passwordProblem('Zhang.San.2026', 'zhangsan')).toBeNull()
  })
})

describe('towns of a user or token', () => {
  const towns = [{ code: '370481001', name: '荆河街道' }, { code: '370481002', name: '' }]
  it('codes', () => {
    expect(townCodes(towns)).toEqual(['370481001', '370481002'])
    expect(townCodes([])).toEqual([])
  })
  it('names for a table cell, the code when a town has no name', () => {
    expect(townNames(towns)).toBe('荆河街道、370481002')
    expect(townNames([])).toBe('—')
  })
})

describe('approvalChanges', () => {
  it('an update: the requested fields, from the values when requested', () => {
    const rows = approvalChanges({
      kind: 'update',
      change: { version: 4, total_investment_yuan: 1_200_000_000 },
      current: { total_investment_yuan: 900_000_000 },
    })
    expect(rows).toEqual([{ field: 'total_investment_yuan', before: 900_000_000, after: 1_200_000_000 }])
  })

  it('lists: element by element', () => {
    const rows = approvalChanges({
      kind: 'update',
      change: { version: 2, lists: [{ year: 2026, list: 'county' }] },
      current: { lists: [{ year: 2026, list: 'attracted' }] },
    })
    expect(rows).toEqual([{ field: 'lists[0].list', before: 'attracted', after: 'county' }])
  })

  it('a milestone: its project path, the reason apart', () => {
    const rows = approvalChanges({
      kind: 'milestone.start',
      change: { actual: '2026-05-01', reason: '已开工', version: 3 },
      current: { actual: null, planned: '2026-04-01' },
    })
    expect(rows).toEqual([{ field: 'milestones.start.actual', before: null, after: '2026-05-01' }])
    expect(approvalReason({ change: { actual: '2026-05-01', reason: '已开工' } })).toBe('已开工')
    expect(approvalChanges({
      kind: 'milestone.completion', change: { planned: '2026-12-01', reason: '设备延期' }, current: { planned: '2026-10-01', actual: null },
    })).toEqual([{ field: 'milestones.completion.planned', before: '2026-10-01', after: '2026-12-01' }])
  })

  it('a withdrawal: the state', () => {
    expect(approvalChanges({ kind: 'withdraw', change: { reason: '企业放弃', version: 1 }, current: { state: 'active' } }))
      .toEqual([{ field: 'state', before: 'active', after: 'withdrawn' }])
    expect(approvalChanges({ kind: 'withdraw', change: { reason: 'x' }, current: {} }))
      .toEqual([{ field: 'state', before: 'active', after: 'withdrawn' }])
  })

  it('unchanged fields and bookkeeping are left out', () => {
    expect(approvalChanges({ kind: 'update', change: { version: 1, total_investment_yuan: 5 }, current: { total_investment_yuan: 5 } })).toEqual([])
    expect(approvalChanges({ kind: 'update', change: {}, current: {} })).toEqual([])
  })

  it('names milestones of approval kinds', () => {
    expect(approvalMilestone('milestone.start')).toBe('start')
    expect(approvalMilestone('milestone.completion')).toBe('completion')
    expect(approvalMilestone('milestone.production')).toBe('production')
    expect(approvalMilestone('update')).toBeNull()
    expect(approvalMilestone('withdraw')).toBeNull()
  })
})

describe('Retry-After', () => {
  it('seconds or an HTTP date', () => {
    expect(parseRetryAfter('8')).toBe(8)
    expect(parseRetryAfter(' 120 ')).toBe(120)
    const now = Date.parse('2026-11-27T00:00:00Z')
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('Fri, 26 Nov 2026 00:00:30 GMT', now)).toBe(0)
    expect(parseRetryAfter(null)).toBeNull()
    expect(parseRetryAfter('soon')).toBeNull()
  })
})

describe('audit filters', () => {
  it('query ↔ filters, empty and malformed values dropped', () => {
    const f = auditFiltersFromQuery({ actor: ' admin ', source: '', entity: 'project', from: '2026-11-01', to: '2026-13', page: '2' })
    expect(f).toEqual({ actor: 'admin', entity: 'project', from: '2026-11-01' })
    expect(auditFiltersToQuery({ ...f, action: ' ', to: '2026-11-30' })).toEqual({ actor: 'admin', entity: 'project', from: '2026-11-01', to: '2026-11-30' })
    expect(auditFiltersFromQuery({ actor: ['a', 'b'] })).toEqual({ actor: 'a' })
  })

  it('API parameters: the filters, then paging', () => {
    expect(auditParams({ actor: 'token:etl', source: 'import', from: '2026-11-01' }, { limit: 50, offset: 100 }).toString())
      .toBe('actor=token%3Aetl&source=import&from=2026-11-01&limit=50&offset=100')
    expect(auditParams({}).toString()).toBe('')
  })

  it('links records to their pages', () => {
    expect(auditEntityLink({ entity: 'project', entity_id: '12' })).toBe('/projects/12')
    expect(auditEntityLink({ entity: 'report', entity_id: '12/2026-10' })).toBe('/projects/12')
    expect(auditEntityLink({ entity: 'project', entity_id: 'javascript:alert(1)' })).toBeNull()
    expect(auditEntityLink({ entity: 'user', entity_id: '3' })).toBe('/admin/users')
    expect(auditEntityLink({ entity: 'targets', entity_id: '2026' })).toBeNull()
  })
})
