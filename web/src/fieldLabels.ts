// Labels and display of field paths (audit diffs, edit conflicts): `milestones.start.planned`,
// `lists[0].annual_plan_yuan`, `location.lon` …
import { enumLabel, formatDate, formatYi, type Locale } from './format'

// Any translate function (vue-i18n's t / te, global or composed).
type T = (key: string) => string
type TE = (key: string) => boolean

const SEGMENT_KEYS: Record<string, string> = {
  code: 'project.code',
  name: 'project.name',
  company: 'project.company',
  town: 'project.town',
  zone: 'project.zone',
  chain: 'project.chain',
  total_investment_yuan: 'project.totalInvestment',
  tier: 'project.tier',
  status: 'project.status',
  state: 'project.state',
  state_reason: 'project.stateReason',
  location: 'project.location',
  lon: 'form.lon',
  lat: 'form.lat',
  precision: 'project.precision',
  outside_county: 'project.outsideCounty',
  address: 'project.address',
  responsible_unit: 'project.responsibleUnit',
  responsible_leader: 'project.responsibleLeader',
  sample: 'project.sample',
  milestones: 'project.milestones',
  baseline: 'project.baseline',
  planned: 'project.planned',
  actual: 'project.actual',
  replans: 'project.replans',
  lists: 'project.lists',
  year: 'form.listYear',
  list: 'form.listLevel',
  kind: 'form.listKind',
  build_type: 'form.buildType',
  annual_plan_yuan: 'form.annualPlan',
  effective_from: 'form.effectiveFrom',
  effective_to: 'form.effectiveTo',
  period: 'project.period',
  completed_yuan: 'project.completedYuan',
  funds_arrived_yuan: 'project.fundsArrived',
  note: 'project.note',
  problems: 'project.problems',
  factor: 'report.factor',
  text: 'report.text',
  reason: 'milestone.reason',
  light: 'project.light',
  username: 'admin.users.username',
  display_name: 'admin.users.displayName',
  role: 'admin.users.role',
  towns: 'admin.users.towns',
  disabled: 'admin.users.disabled',
  // Audit records of approvals, users and tokens.
  change: 'admin.audit.fields.change',
  current: 'admin.audit.fields.current',
  project_id: 'admin.audit.fields.projectId',
  project_name: 'project.name',
  requested_by: 'admin.audit.fields.requestedBy',
  decided_by: 'admin.audit.fields.decidedBy',
  last_login_at: 'admin.users.lastLogin',
  last_used_at: 'admin.tokens.lastUsed',
  revoked_at: 'admin.audit.fields.revokedAt',
  created_by: 'admin.tokens.createdBy',
}

const ENUM_FIELDS: Record<string, string> = {
  chain: 'chain', tier: 'tier', status: 'status', state: 'state', light: 'light', factor: 'factor',
  list: 'list', kind: 'kind', build_type: 'buildType', precision: 'precision', crs: 'crs', role: 'role',
}

const MILESTONE_KINDS = new Set(['signed', 'land', 'permit', 'start', 'completion', 'production'])

/** A readable label for a field path. */
export function fieldLabel(t: T, te: TE, path: string): string {
  const parts: string[] = []
  const segs = path.split('.')
  segs.forEach((seg, i) => {
    const m = /^([a-z_]+)(?:\[(\d+)\])?$/.exec(seg)
    if (!m) {
      parts.push(seg)
      return
    }
    const [, name, index] = m
    let text: string
    if (segs[i - 1] === 'milestones' && MILESTONE_KINDS.has(name)) text = enumLabel(t, te, 'milestone', name)
    else if (SEGMENT_KEYS[name] && te(SEGMENT_KEYS[name])) text = t(SEGMENT_KEYS[name])
    else text = name
    if (index !== undefined) text += ` ${Number(index) + 1}`
    // `town.code` / `town.name` are one field to a reader.
    if (segs[i - 1] === 'town' && (name === 'code' || name === 'name')) text = name === 'code' ? 'code' : ''
    if (text) parts.push(text)
  })
  return parts.join(' · ')
}

/** A field's value for display. */
export function fieldValue(t: T, te: TE, locale: Locale, path: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  const last = (path.split('.').pop() ?? '').replace(/\[\d+\]$/, '')
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no')
  if (typeof v === 'number' && last.endsWith('_yuan')) return formatYi(v, locale)
  if (typeof v === 'string' && ENUM_FIELDS[last]) return enumLabel(t, te, ENUM_FIELDS[last], v)
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v, locale)
  if (Array.isArray(v) && v.length === 0) return '—'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}
