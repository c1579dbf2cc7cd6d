// Spreadsheet import (导入台账): the API's dry-run plan and the pure helpers of the import page.

/** The column fields of the server's `import::mapping::Field` (snake_case). */
export const IMPORT_FIELDS = [
  'sequence', 'code', 'name', 'company', 'town', 'zone', 'total_investment', 'annual_plan', 'completed_ytd',
  'start_planned', 'start_actual', 'completion_planned', 'completion_actual', 'start_to_completion', 'chain',
  'responsible_unit', 'responsible_leader', 'category', 'ignore',
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]

export interface MappedColumn {
  index: number
  header: string
  field: ImportField
  unit: string | null
}
export interface ColumnMapping {
  columns: MappedColumn[]
}
export interface CellError {
  row: number
  column: string
  value: string
  message_zh: string
  message_en: string
}
export interface ImportPlan {
  file: string
  sheet: string
  header_row: number
  rows_read: number
  create: { row: number; name: string; town: string; total_investment_yuan: number | null }[]
  update: {
    row: number
    project_id: number
    code: string | null
    name: string
    version: number
    changes: { field: string; before: string; after: string }[]
  }[]
  unchanged: number[]
  duplicates: {
    row: number
    name: string
    candidates: { project_id: number; code: string | null; name: string; company: string | null }[]
  }[]
  skipped: { row: number; reason: string }[]
  errors: CellError[]
  unmapped_columns: string[]
}
export interface DryRunResult {
  dry_run: true
  mapping: ColumnMapping
  plan: ImportPlan
}
export interface CommitResult {
  created: number
  updated: number
  unchanged: number
  plan: ImportPlan
}

export interface ImportOptions {
  year: number
  dryRun: boolean
  validOnly?: boolean
  mapping?: ColumnMapping | null
}

/** The query string of `POST /api/imports`. */
export function importQuery(o: ImportOptions): string {
  const p = new URLSearchParams({ dry_run: String(o.dryRun), year: String(o.year) })
  if (!o.dryRun && o.validOnly) p.set('valid_only', 'true')
  return p.toString()
}

/** The multipart body: the file, and the corrected mapping when there is one. */
export function buildImportForm(file: Blob, fileName: string, mapping?: ColumnMapping | null): FormData {
  const fd = new FormData()
  fd.append('file', file, fileName)
  if (mapping) fd.append('mapping', JSON.stringify(mapping))
  return fd
}

/** The errors grouped by sheet row, rows ascending, each row's errors in their original order. */
export function groupErrorsByRow(errors: CellError[]): { row: number; errors: CellError[] }[] {
  const m = new Map<number, CellError[]>()
  for (const e of errors) {
    const list = m.get(e.row)
    if (list) list.push(e)
    else m.set(e.row, [e])
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([row, errors]) => ({ row, errors }))
}

/** The counts shown in the summary. */
export function planCounts(p: ImportPlan) {
  return {
    rowsRead: p.rows_read,
    create: p.create.length,
    update: p.update.length,
    unchanged: p.unchanged.length,
    skipped: p.skipped.length,
    errors: p.errors.length,
    errorRows: new Set(p.errors.map((e) => e.row)).size,
    duplicates: p.duplicates.length,
  }
}

/** Whether a commit would leave rows out (errors or likely duplicates): then only valid rows can be imported. */
export function needsValidOnly(p: ImportPlan): boolean {
  return p.errors.length > 0 || p.duplicates.length > 0
}

/** A copy of the mapping with one column's field changed. */
export function withColumnField(m: ColumnMapping, index: number, field: ImportField): ColumnMapping {
  return { columns: m.columns.map((c) => (c.index === index ? { ...c, field } : c)) }
}

/** One language of a bilingual server text `中文 / English` (zh-TW shows the Chinese part). */
export function bilingualPart(text: string, locale: string): string {
  const i = text.lastIndexOf(' / ')
  if (i < 0) return text
  return locale === 'en' ? text.slice(i + 3).trim() : text.slice(0, i).trim()
}
