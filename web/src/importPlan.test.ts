import { describe, expect, it } from 'vitest'
import {
  bilingualPart, buildImportForm, defaultMappingName, groupErrorsByRow, importQuery, mappingNameProblem, mappingToSave,
  needsValidOnly, planCounts, savedMappingText, withColumnField,
} from './importPlan'
import type { CellError, ColumnMapping, ImportPlan } from './api/types'

const err = (row: number, column: string): CellError => ({ row, column, value: 'x', message_zh: '错', message_en: 'bad' })

const plan = (over: Partial<ImportPlan> = {}): ImportPlan => ({
  file: 'a.csv', sheet: 'a', header_row: 3, rows_read: 4,
  create: [], update: [], unchanged: [], duplicates: [], skipped: [], errors: [], unmapped_columns: [],
  ...over,
})

describe('import helpers', () => {
  it('groups errors by row, rows ascending, order kept within a row', () => {
    const g = groupErrorsByRow([err(9, 'b'), err(4, 'a'), err(9, 'c')])
    expect(g.map((x) => x.row)).toEqual([4, 9])
    expect(g[1].errors.map((e) => e.column)).toEqual(['b', 'c'])
    expect(groupErrorsByRow([])).toEqual([])
  })

  it('builds the query: valid_only only on a commit', () => {
    expect(importQuery({ year: 2026, dryRun: true, validOnly: true })).toBe('dry_run=true&year=2026')
    expect(importQuery({ year: 2026, dryRun: false })).toBe('dry_run=false&year=2026')
    expect(importQuery({ year: 2025, dryRun: false, validOnly: true })).toBe('dry_run=false&year=2025&valid_only=true')
  })

  it('builds the multipart body with the file and the optional mapping', async () => {
    const file = new Blob(['a,b\n'], { type: 'text/csv' })
    const plain = buildImportForm(file, 'x.csv')
    expect(plain.has('file')).toBe(true)
    expect(plain.has('mapping')).toBe(false)
    expect(plain.get('file')).toBeInstanceOf(Blob)
    const m: ColumnMapping = { columns: [{ index: 0, header: '项目名称', field: 'name', unit: null }] }
    const fd = buildImportForm(file, 'x.csv', m)
    expect(JSON.parse(fd.get('mapping') as string)).toEqual(m)
  })

  it('changes one column of a mapping without touching the original', () => {
    const m: ColumnMapping = {
      columns: [
        { index: 0, header: '序号', field: 'sequence', unit: null },
        { index: 1, header: '名称', field: 'name', unit: null },
      ],
    }
    const n = withColumnField(m, 1, 'ignore')
    expect(n.columns.map((c) => c.field)).toEqual(['sequence', 'ignore'])
    expect(m.columns[1].field).toBe('name')
  })

  it('counts the plan and tells when only valid rows can be committed', () => {
    const p = plan({ errors: [err(5, 'a'), err(5, 'b'), err(7, 'a')], create: [{ row: 4, name: 'n', town: 't', total_investment_yuan: 1 }] })
    expect(planCounts(p)).toMatchObject({ rowsRead: 4, create: 1, errors: 3, errorRows: 2, duplicates: 0 })
    expect(needsValidOnly(p)).toBe(true)
    expect(needsValidOnly(plan())).toBe(false)
    expect(needsValidOnly(plan({ duplicates: [{ row: 4, name: 'n', candidates: [] }] }))).toBe(true)
  })

  it('picks one language of a bilingual reason', () => {
    expect(bilingualPart('合计行 / total row', 'en')).toBe('total row')
    expect(bilingualPart('合计行 / total row', 'zh-TW')).toBe('合计行')
    expect(bilingualPart('分组标题行“A / B” / section heading', 'zh-CN')).toBe('分组标题行“A / B”')
    expect(bilingualPart('plain', 'en')).toBe('plain')
  })

  it('names a saved mapping in the query', () => {
    expect(importQuery({ year: 2026, dryRun: true, mappingName: '镇街 格式' })).toBe(
      'dry_run=true&year=2026&mapping=%E9%95%87%E8%A1%97+%E6%A0%BC%E5%BC%8F',
    )
    expect(importQuery({ year: 2026, dryRun: false, mappingName: null })).toBe('dry_run=false&year=2026')
  })

  it('saves the mapped columns and remembers the left-out ones as ignored', () => {
    const m: ColumnMapping = {
      columns: [
        { index: 1, header: '项目名称', field: 'name', unit: null },
        { index: 3, header: '金额(万元)', field: 'total_investment', unit: 'wan' },
      ],
    }
    expect(mappingToSave(m, ['联系电话', '项目 名称', '联系电话'])).toEqual({
      columns: [
        { index: 1, header: '项目名称', field: 'name' },
        { index: 3, header: '金额(万元)', field: 'total_investment' },
        { header: '联系电话', field: 'ignore' },
      ],
    })
  })

  it('checks names as the server does', () => {
    expect(mappingNameProblem(' 镇街格式 ')).toBeNull()
    expect(mappingNameProblem('  ')).toBe('empty')
    expect(mappingNameProblem('长'.repeat(65))).toBe('long')
    expect(mappingNameProblem('长'.repeat(64))).toBeNull()
    expect(mappingNameProblem('a/b')).toBe('chars')
    expect(mappingNameProblem('a\\b')).toBe('chars')
    expect(mappingNameProblem('a\tb')).toBe('chars')
    expect(defaultMappingName('2026年台账.XLSX')).toBe('2026年台账')
    expect(defaultMappingName('a/b.csv')).toBe('ab')
  })

  it('speaks every language of the app', () => {
    expect(savedMappingText('en', 'done', { name: 'A' })).toBe('Column mapping “A” saved')
    expect(savedMappingText('zh-TW', 'save')).toBe('儲存欄位對應')
    expect(savedMappingText('xx', 'save')).toBe('保存列映射')
  })
})
