// Field-level differences between two JSON values (audit history, edit conflicts).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** Flatten a JSON value into `path → leaf` (`milestones.start.planned`, `lists[0].year`). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0 && prefix) out[prefix] = []
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out))
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0 && prefix) out[prefix] = {}
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else if (prefix) {
    out[prefix] = value
  }
  return out
}

export interface FieldChange {
  field: string
  before: unknown
  after: unknown
}

/** Paths never worth showing in a diff (bookkeeping). */
const IGNORED = new Set(['version', 'updated_at', 'created_at'])

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

/** The leaves that differ between before and after, sorted by path. */
export function fieldChanges(before: unknown, after: unknown, ignore: Set<string> = IGNORED): FieldChange[] {
  const a = flatten(before ?? {})
  const b = flatten(after ?? {})
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  const out: FieldChange[] = []
  for (const k of keys) {
    if (ignore.has(k)) continue
    if (!same(a[k], b[k])) out.push({ field: k, before: a[k] ?? null, after: b[k] ?? null })
  }
  return out.sort((x, y) => x.field.localeCompare(y.field, 'en', { numeric: true }))
}

/** Whether two values are equal as JSON (null and undefined alike). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return same(a, b)
}

/** A leaf value for display. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}
