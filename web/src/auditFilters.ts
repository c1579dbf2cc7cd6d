// The audit page's filters ↔ URL query, and where an audit record's entity is shown in the app.
import type { AuditQuery, AuditRecord } from './api/types'

/** The audit page's filters: the query parameters of `GET /api/audit` but the paging. */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'offset'>

/** Entities offered in the filter (others can still appear in the table). */
export const AUDIT_ENTITIES = ['project', 'report', 'milestone', 'approval', 'user', 'token', 'session', 'targets', 'weekly_report', 'town_layer'] as const
/** Usual sources (an import's source is `import:FILE#ROW`). */
export const AUDIT_SOURCES = ['web', 'api', 'import', 'cli', 'demo'] as const

const KEYS = ['actor', 'source', 'entity', 'action', 'from', 'to'] as const
const DATE = /^\d{4}-\d{2}-\d{2}$/

type Query = Record<string, string | null | undefined | (string | null)[]>

function one(v: Query[string]): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s.trim() : ''
}

export function auditFiltersFromQuery(q: Query): AuditFilters {
  const out: AuditFilters = {}
  for (const k of KEYS) {
    const v = one(q[k])
    if (!v) continue
    if ((k === 'from' || k === 'to') && !DATE.test(v)) continue
    out[k] = v
  }
  return out
}

export function auditFiltersToQuery(f: AuditFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of KEYS) {
    const v = f[k]?.trim()
    if (v) out[k] = v
  }
  return out
}

/** The page of an audit record's entity, if the app has one. */
export function auditEntityLink(r: Pick<AuditRecord, 'entity' | 'entity_id'>): string | null {
  const id = r.entity_id ?? ''
  switch (r.entity) {
    case 'project':
      return /^\d+$/.test(id) ? `/projects/${id}` : null
    case 'report':
    case 'milestone': {
      // `PROJECT/PERIOD`, `PROJECT/KIND`
      const m = /^(\d+)\//.exec(id)
      return m ? `/projects/${m[1]}` : null
    }
    case 'approval':
      return '/approvals?status=all'
    case 'user':
      return '/admin/users'
    case 'token':
      return '/admin/tokens'
    default:
      return null
  }
}
