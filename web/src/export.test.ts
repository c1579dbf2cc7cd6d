import { describe, expect, it } from 'vitest'
import { csvCell, ledgerCsv } from './export'
import type { Project } from './api/types'

describe('ledger CSV fallback', () => {
  it('quotes and defuses cells', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('-5', false)).toBe('-5')
    expect(csvCell(null)).toBe('')
  })
  it('starts with a BOM and has a header and one row per project', () => {
    const p: Project = {
      id: 1, code: 'P1', name: '项目,一', company: null, town: { code: '370481113', name: '木石镇' }, zone: null,
      chain: 'chemical', total_investment_yuan: 105000000, tier: '100m', status: 'signed', state: 'active',
      state_reason: null, location: { lon: 117.1, lat: 35.1, precision: 'town' }, address: null, responsible_unit: null, responsible_leader: null,
      sample: false, milestones: { start: { baseline: null, planned: '2026-12-01', actual: null, replans: [] } },
      lists: [{ year: 2026, list: 'county' }], version: 1, created_at: '', updated_at: '', light: 'green', reasons: [],
    }
    const csv = ledgerCsv([p])
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    const lines = csv.trim().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('"项目,一"')
    expect(lines[1]).toContain(',10500,')
    expect(lines[1]).toContain('2026-12-01')
  })
})
