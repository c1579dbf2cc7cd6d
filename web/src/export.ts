// Export of the ledger's current view. One function, so that the way it is done can change in
// one place: it asks the server for an XLSX (/api/exports/ledger.xlsx, same filters) and, while
// the server has no such endpoint (404), builds a CSV (UTF-8 with BOM, opens in Excel and WPS)
// from all pages of the current filter.
import { ElLoading, ElMessage } from 'element-plus'
import { api, ApiError } from './api'
import { filtersToParams, type Filters } from './filters'
import { enumLabel, todayShanghai, wanNumber } from './format'
import { i18n } from './i18n'
import { MILESTONES } from './enums'
import type { Project } from './api/types'

export const LEDGER_XLSX_ENDPOINT = '/api/exports/ledger.xlsx'
const PAGE = 1000

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v: unknown, text = true): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The ledger rows as CSV text with a BOM (so Excel reads it as UTF-8). */
export function ledgerCsv(items: Project[]): string {
  const { t, te } = i18n.global
  const lab = (kind: string, v: string | null | undefined) => (v ? enumLabel(t, te, kind, v) : '')
  const ms = (p: Project, k: string, f: 'planned' | 'actual') => p.milestones?.[k as keyof Project['milestones']]?.[f] ?? ''
  const header = [
    t('ledger.columns.code'), t('ledger.columns.name'), t('ledger.columns.company'), t('ledger.columns.town'),
    t('project.zone'), t('ledger.columns.chain'), t('ledger.columns.tier'),
    `${t('project.totalInvestment')}(${t('common.unitWan')})`, t('ledger.columns.status'), t('ledger.columns.light'),
    t('project.reasons'),
    ...MILESTONES.flatMap((k) => [
      `${lab('milestone', k)}·${t('form.planned')}`,
      `${lab('milestone', k)}·${t('form.actual')}`,
    ]),
    t('ledger.columns.responsibleUnit'), t('project.responsibleLeader'), t('ledger.columns.lists'),
  ]
  const rows = items.map((p) => [
    csvCell(p.code), csvCell(p.name), csvCell(p.company), csvCell(p.town?.name), csvCell(p.zone),
    csvCell(lab('chain', p.chain)), csvCell(lab('tier', p.tier)), csvCell(wanNumber(p.total_investment_yuan), false),
    csvCell(lab('status', p.status)), csvCell(lab('light', p.light)),
    csvCell((p.reasons ?? []).map((r) => `${lab('rule', r.rule)}:${r.message}`).join(';')),
    ...MILESTONES.flatMap((k) => [csvCell(ms(p, k, 'planned'), false), csvCell(ms(p, k, 'actual'), false)]),
    csvCell(p.responsible_unit), csvCell(p.responsible_leader),
    csvCell((p.lists ?? []).map((l) => `${l.year} ${lab('list', l.list)}`).join(';')),
  ])
  return '\uFEFF' + [header.map((h) => csvCell(h)), ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n'
}

export async function exportLedger(filters: Filters, total: number): Promise<'xlsx' | 'csv'> {
  const { t } = i18n.global
  const loading = ElLoading.service({ lock: true, text: t('ledger.exporting', { n: total }) })
  try {
    const stamp = todayShanghai().replace(/-/g, '')
    const base = `${t('ledger.title')}-${stamp}`
    const qs = filtersToParams(filters).toString()
    const res = await fetch(LEDGER_XLSX_ENDPOINT + (qs ? `?${qs}` : ''), { credentials: 'same-origin' })
    if (res.ok && (res.headers.get('content-type') ?? '').includes('spreadsheet')) {
      download(await res.blob(), `${base}.xlsx`)
      ElMessage({ type: 'success', message: t('ledger.exportedXlsx') })
      return 'xlsx'
    }
    if (res.ok || (res.status !== 404 && res.status !== 405)) {
      let body = null
      try {
        body = await res.json()
      } catch {
        /* not JSON */
      }
      if (!res.ok) throw new ApiError(res.status, body)
    }
    // Fallback: every page of the current filter, as CSV.
    const items: Project[] = []
    for (let offset = 0; ; offset += PAGE) {
      const page = await api.projects(filters, PAGE, offset)
      items.push(...page.items)
      if (page.items.length < PAGE || items.length >= page.total) break
    }
    download(new Blob([ledgerCsv(items)], { type: 'text/csv;charset=utf-8' }), `${base}.csv`)
    ElMessage({ type: 'success', message: t('ledger.exportedCsv', { n: items.length }) })
    return 'csv'
  } finally {
    loading.close()
  }
}
