// Errors are shown, never swallowed.
import { ElMessage } from 'element-plus'
import { ApiError } from './api'
import { i18n, currentLocale } from './i18n'
import { localMessage } from './format'
import type { ErrorDetail } from './api/types'

/** A message for an error in the current language. */
export function errorText(e: unknown): string {
  const t = i18n.global.t
  if (e instanceof ApiError) {
    if (e.status === 0) return t('errors.network')
    if (e.body) return localMessage(currentLocale(), e.body) || t('errors.http', { status: e.status })
    return t('errors.http', { status: e.status })
  }
  if (e instanceof Error && e.message) return e.message
  return t('errors.unknown')
}

export function showError(e: unknown) {
  if ((e as Error)?.name === 'AbortError') return
  // The session is gone: the app is on its way to the login page (see auth.ts), no toast.
  if (e instanceof ApiError && e.status === 401 && e.code !== 'login_failed') return
  console.error(e)
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 })
}

/**
 * The validation details of an API error grouped by field path (`name`, `location.lon`,
 * `lists[0].annual_plan_yuan` …). Kept in both languages so that the form shows them in the
 * language chosen at any time.
 */
export function detailsByField(e: unknown): Record<string, ErrorDetail[]> {
  const out: Record<string, ErrorDetail[]> = {}
  if (!(e instanceof ApiError)) return out
  for (const d of e.details) {
    const k = d.field || ''
    ;(out[k] ??= []).push(d)
  }
  return out
}
