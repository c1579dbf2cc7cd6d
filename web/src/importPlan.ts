// Spreadsheet import (导入台账): the pure helpers of the import page around the API's dry-run plan.
import type { Locale } from './format'
import type { CellError, ColumnMapping, ImportField, ImportPlan, MappedColumn } from './api/types'

/** The column fields of the server's `import::mapping::Field`, in the order the page offers them. */
export const IMPORT_FIELDS: readonly ImportField[] = [
  'sequence', 'code', 'name', 'company', 'town', 'zone', 'total_investment', 'annual_plan', 'completed_ytd',
  'start_planned', 'start_actual', 'completion_planned', 'completion_actual', 'start_to_completion', 'chain',
  'responsible_unit', 'responsible_leader', 'category', 'ignore',
]

export interface ImportOptions {
  year: number
  dryRun: boolean
  validOnly?: boolean
  mapping?: ColumnMapping | null
  /** A mapping saved on the server, applied under `mapping` (whose columns win). */
  mappingName?: string | null
}

/** The query string of `POST /api/imports`. */
export function importQuery(o: ImportOptions): string {
  const p = new URLSearchParams({ dry_run: String(o.dryRun), year: String(o.year) })
  if (!o.dryRun && o.validOnly) p.set('valid_only', 'true')
  if (o.mappingName) p.set('mapping', o.mappingName)
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

/**
 * The mapping to save from the page: every mapped column as it stands (with the user's
 * corrections), and the columns the preview left out as `ignore`, so that the saved mapping
 * also remembers the columns the user chose not to import.
 */
export function mappingToSave(m: ColumnMapping, unmapped: string[]): ColumnMapping {
  const key = (h: string) => h.replace(/\s+/g, '')
  const named = new Set(m.columns.map((c) => key(c.header)))
  const columns: MappedColumn[] = m.columns.map((c) => ({ index: c.index, header: c.header, field: c.field }))
  for (const h of unmapped) {
    if (!named.has(key(h))) {
      named.add(key(h))
      columns.push({ header: h, field: 'ignore' })
    }
  }
  return { columns }
}

/** Why a name cannot be used for a saved mapping (the server's rule), or null. */
export function mappingNameProblem(name: string): 'empty' | 'long' | 'chars' | null {
  const n = name.trim()
  if (!n) return 'empty'
  if ([...n].length > 64) return 'long'
  // eslint-disable-next-line no-control-regex
  if (/[\/\\\u0000-\u001f\u007f]/.test(n)) return 'chars'
  return null
}

/** A default name to save a mapping under: the file name without its extension. */
export function defaultMappingName(fileName: string): string {
  return [...fileName.replace(/\.(xlsx|csv)$/i, '').replace(/[/\\]/g, '').trim()].slice(0, 64).join('')
}

const SAVED_MAPPING_TEXT = {
  'zh-CN': {
    saved: '已保存的列映射',
    none: '不使用(按内置列名识别)',
    saveAs: '保存为',
    save: '保存列映射',
    remove: '删除',
    done: '列映射“{name}”已保存',
    removeConfirm: '删除已保存的列映射“{name}”?',
    removed: '已删除列映射“{name}”',
    empty: '请填写名称',
    long: '名称不超过64字',
    chars: '名称不能含“/”“\\”或控制字符',
    hint: '保存后,同样格式的文件可直接选用此映射(命令行:keyproj import 文件 --mapping 名称)。',
  },
  'zh-TW': {
    saved: '已儲存的欄位對應',
    none: '不使用(按內建欄名識別)',
    saveAs: '儲存為',
    save: '儲存欄位對應',
    remove: '刪除',
    done: '欄位對應「{name}」已儲存',
    removeConfirm: '刪除已儲存的欄位對應「{name}」?',
    removed: '已刪除欄位對應「{name}」',
    empty: '請填寫名稱',
    long: '名稱不超過64字',
    chars: '名稱不能含「/」「\\」或控制字元',
    hint: '儲存後,同樣格式的檔案可直接選用此對應(命令列:keyproj import 檔案 --mapping 名稱)。',
  },
  en: {
    saved: 'Saved column mapping',
    none: 'None (built-in column names)',
    saveAs: 'Save as',
    save: 'Save mapping',
    remove: 'Delete',
    done: 'Column mapping “{name}” saved',
    removeConfirm: 'Delete the saved column mapping “{name}”?',
    removed: 'Column mapping “{name}” deleted',
    empty: 'Enter a name',
    long: 'At most 64 characters',
    chars: 'No /, \\ or control characters',
    hint: 'Files of the same layout can then use this mapping directly (command line: keyproj import FILE --mapping NAME).',
  },
} as const satisfies Record<Locale, Record<string, string>>

export type SavedMappingText = keyof (typeof SAVED_MAPPING_TEXT)['en']

/** The import page's texts about saved mappings, in `locale`, with `{name}` filled in. */
export function savedMappingText(locale: string, key: SavedMappingText, params: { name?: string } = {}): string {
  const table = SAVED_MAPPING_TEXT[(locale in SAVED_MAPPING_TEXT ? locale : 'zh-CN') as Locale]
  return table[key].replace('{name}', params.name ?? '')
}
