// The project entry form's model (text as typed) and its translation to the API's input and
// patch bodies (integer yuan, WGS84/GCJ-02/BD-09 location, dates YYYY-MM-DD).
import { MILESTONES } from './enums'
import { jsonEqual } from './diff'
import { parseMoney, yuanToUnit, type MoneyUnit } from './format'
import type {
  Chain, Crs, ListLevel, LocationInput, Membership, MilestoneKind, Project, ProjectInput, ProjectPatch,
} from './api/types'

export interface ListRow {
  year: string
  list: string
  kind: string
  build_type: string
  plan: string
  planUnit: MoneyUnit
  effective_from: string
  effective_to: string
}

export interface FormModel {
  code: string
  name: string
  company: string
  town: string
  zone: string
  chain: string
  investment: string
  unit: MoneyUnit
  lon: string
  lat: string
  crs: Crs
  confirmOutside: boolean
  address: string
  responsible_unit: string
  responsible_leader: string
  milestones: Record<MilestoneKind, { planned: string; actual: string }>
  lists: ListRow[]
}

export function emptyListRow(year = new Date().getFullYear()): ListRow {
  return { year: String(year), list: '', kind: 'implementation', build_type: '', plan: '', planUnit: 'wan', effective_from: '', effective_to: '' }
}

export function emptyModel(): FormModel {
  return {
    code: '', name: '', company: '', town: '', zone: '', chain: '', investment: '', unit: 'yi',
    lon: '', lat: '', crs: 'wgs84', confirmOutside: false, address: '', responsible_unit: '', responsible_leader: '',
    milestones: Object.fromEntries(MILESTONES.map((k) => [k, { planned: '', actual: '' }])) as FormModel['milestones'],
    lists: [],
  }
}

export function modelFromProject(p: Project): FormModel {
  const m = emptyModel()
  m.code = p.code
  m.name = p.name
  m.company = p.company ?? ''
  m.town = p.town?.code ?? ''
  m.zone = p.zone ?? ''
  m.chain = p.chain
  m.investment = yuanToUnit(p.total_investment_yuan, 'yi')
  m.unit = 'yi'
  // A location of precision "town" is the town seat, not a typed point.
  if (p.location && p.location.precision === 'exact') {
    m.lon = String(p.location.lon)
    m.lat = String(p.location.lat)
    m.confirmOutside = !!p.location.outside_county
  }
  m.address = p.address ?? ''
  m.responsible_unit = p.responsible_unit ?? ''
  m.responsible_leader = p.responsible_leader ?? ''
  for (const k of MILESTONES) {
    const ms = p.milestones?.[k]
    m.milestones[k] = { planned: ms?.planned ?? '', actual: ms?.actual ?? '' }
  }
  m.lists = (p.lists ?? []).map((l) => ({
    year: String(l.year),
    list: l.list,
    kind: l.kind ?? '',
    build_type: l.build_type ?? '',
    plan: l.annual_plan_yuan === null || l.annual_plan_yuan === undefined ? '' : yuanToUnit(l.annual_plan_yuan, 'wan'),
    planUnit: 'wan',
    effective_from: l.effective_from ?? '',
    effective_to: l.effective_to ?? '',
  }))
  return m
}

/** Client-side errors, by the API's field paths; values are i18n keys. */
export type ClientErrors = Record<string, string>

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim())
const nullable = (s: string) => (s.trim() === '' ? null : s.trim())

function location(m: FormModel, errors: ClientErrors): LocationInput | null | undefined {
  const lon = m.lon.trim()
  const lat = m.lat.trim()
  if (!lon && !lat) return null
  if (!lon || !lat) {
    errors[!lon ? 'location.lon' : 'location.lat'] = 'form.lonLatBoth'
    return undefined
  }
  const x = Number(lon)
  const y = Number(lat)
  if (!Number.isFinite(x)) errors['location.lon'] = 'form.invalidNumber'
  if (!Number.isFinite(y)) errors['location.lat'] = 'form.invalidNumber'
  if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined
  const loc: LocationInput = { lon: x, lat: y, crs: m.crs }
  if (m.confirmOutside) loc.confirm_outside_county = true
  return loc
}

function lists(m: FormModel, errors: ClientErrors): Membership[] {
  return m.lists.map((r, i) => {
    const out: Membership = { year: Number(r.year), list: r.list as ListLevel }
    if (!/^\d{4}$/.test(r.year.trim())) errors[`lists[${i}].year`] = 'form.invalidNumber'
    if (!r.list) errors[`lists[${i}].list`] = 'form.required'
    if (r.kind) out.kind = r.kind as Membership['kind']
    if (r.build_type) out.build_type = r.build_type as Membership['build_type']
    if (r.plan.trim() !== '') {
      const y = parseMoney(r.plan, r.planUnit)
      if (y === null) errors[`lists[${i}].annual_plan_yuan`] = 'form.invalidMoney'
      else out.annual_plan_yuan = y
    }
    if (r.effective_from) out.effective_from = r.effective_from
    if (r.effective_to) out.effective_to = r.effective_to
    return out
  })
}

/** The body of POST /api/projects, or the client-side errors. */
export function inputFromModel(m: FormModel): { input: ProjectInput | null; errors: ClientErrors } {
  const errors: ClientErrors = {}
  if (!m.name.trim()) errors.name = 'form.required'
  if (!m.town) errors.town = 'form.required'
  if (!m.chain) errors.chain = 'form.required'
  const yuan = parseMoney(m.investment, m.unit)
  if (m.investment.trim() === '') errors.total_investment_yuan = 'form.required'
  else if (yuan === null || yuan <= 0) errors.total_investment_yuan = 'form.invalidMoney'
  const loc = location(m, errors)
  const ls = lists(m, errors)
  const input: ProjectInput = {
    name: m.name.trim(),
    town: m.town,
    chain: m.chain as Chain,
    total_investment_yuan: yuan ?? 0,
  }
  if (opt(m.code)) input.code = opt(m.code)
  if (opt(m.company)) input.company = opt(m.company)
  if (opt(m.zone)) input.zone = opt(m.zone)
  if (loc) input.location = loc
  if (opt(m.address)) input.address = opt(m.address)
  if (opt(m.responsible_unit)) input.responsible_unit = opt(m.responsible_unit)
  if (opt(m.responsible_leader)) input.responsible_leader = opt(m.responsible_leader)
  const ms: NonNullable<ProjectInput['milestones']> = {}
  for (const k of MILESTONES) {
    const d = m.milestones[k]
    const v: { planned?: string; actual?: string } = {}
    if (d.planned) v.planned = d.planned
    if (d.actual) v.actual = d.actual
    if (v.planned || v.actual) ms[k] = v
  }
  if (Object.keys(ms).length) input.milestones = ms
  if (ls.length) input.lists = ls
  return { input: Object.keys(errors).length ? null : input, errors }
}

/** The fields of a patch that the form edits. */
export const PATCH_FIELDS = [
  'name', 'company', 'town', 'zone', 'chain', 'total_investment_yuan', 'location', 'address',
  'responsible_unit', 'responsible_leader', 'lists',
] as const satisfies readonly (keyof ProjectPatch)[]
export type PatchField = (typeof PATCH_FIELDS)[number]
/** The form's fields of a patch, as values comparable between versions. */
export type PatchFields = Pick<ProjectPatch, PatchField>

/** A project's editable values in the shape of a patch. */
export function patchValues(p: Project): Required<PatchFields> {
  return {
    name: p.name,
    company: p.company ?? null,
    town: p.town?.code ?? '',
    zone: p.zone ?? null,
    chain: p.chain,
    total_investment_yuan: p.total_investment_yuan,
    location: p.location && p.location.precision === 'exact'
      ? { lon: p.location.lon, lat: p.location.lat, crs: 'wgs84' }
      : null,
    address: p.address ?? null,
    responsible_unit: p.responsible_unit ?? null,
    responsible_leader: p.responsible_leader ?? null,
    lists: p.lists,
  }
}

/** Memberships without their empty fields, to compare and to send. */
function cleanLists(ls: Membership[] | null): Membership[] {
  return (ls ?? []).map((l) => {
    const out: Membership = { year: l.year, list: l.list }
    if (l.kind) out.kind = l.kind
    if (l.build_type) out.build_type = l.build_type
    if (l.annual_plan_yuan !== undefined && l.annual_plan_yuan !== null) out.annual_plan_yuan = l.annual_plan_yuan
    if (l.effective_from) out.effective_from = l.effective_from
    if (l.effective_to) out.effective_to = l.effective_to
    return out
  })
}

/**
 * The PATCH body for what changed between the project as loaded (`original`) and the form
 * (`m`): only changed fields are sent, with the version the edit started from.
 */
export function patchFromModel(original: Project, m: FormModel): { patch: ProjectPatch | null; errors: ClientErrors; changed: PatchField[] } {
  const errors: ClientErrors = {}
  const before = patchValues(original)
  const after: Required<PatchFields> = { ...before }
  after.name = m.name.trim()
  if (!after.name) errors.name = 'form.required'
  after.company = nullable(m.company)
  after.town = m.town
  if (!m.town) errors.town = 'form.required'
  after.zone = nullable(m.zone)
  after.chain = m.chain as Chain
  const yuan = parseMoney(m.investment, m.unit)
  if (yuan === null || yuan <= 0) errors.total_investment_yuan = m.investment.trim() ? 'form.invalidMoney' : 'form.required'
  else after.total_investment_yuan = yuan
  const loc = location(m, errors)
  if (loc !== undefined) after.location = loc
  after.address = nullable(m.address)
  after.responsible_unit = nullable(m.responsible_unit)
  after.responsible_leader = nullable(m.responsible_leader)
  after.lists = lists(m, errors)

  after.lists = cleanLists(after.lists)

  const changed: PatchField[] = []
  for (const k of PATCH_FIELDS) {
    const a = k === 'lists' ? cleanLists(before.lists) : before[k]
    if (k === 'location' && before.location && after.location) {
      // The confirmation flag is not stored: the same point in the same system is no change.
      const [la, lb] = [before.location, after.location]
      if (la.lon === lb.lon && la.lat === lb.lat && (la.crs ?? 'wgs84') === (lb.crs ?? 'wgs84')) continue
    }
    if (!jsonEqual(a, after[k])) changed.push(k)
  }
  if (Object.keys(errors).length) return { patch: null, errors, changed }
  const patch: ProjectPatch = { version: original.version, ...pickPatchFields(after, changed) }
  return { patch, errors, changed }
}

/** The given fields of a patch (what changed; after a conflict, those the user keeps). */
export function pickPatchFields(patch: PatchFields, fields: readonly PatchField[]): PatchFields {
  const out: PatchFields = {}
  for (const f of fields) setField(out, f, patch[f])
  return out
}

function setField<K extends PatchField>(fields: PatchFields, k: K, value: PatchFields[K]) {
  fields[k] = value
}

/** Apply patch values onto a form model (to keep editing on top of a newer version). */
export function applyPatchToModel(m: FormModel, patch: PatchFields): FormModel {
  const out: FormModel = JSON.parse(JSON.stringify(m))
  // `null` clears an optional field; the required ones (name, town, chain, amount) are never null here.
  if (patch.name !== undefined) out.name = patch.name ?? ''
  if (patch.company !== undefined) out.company = patch.company ?? ''
  if (patch.town !== undefined) out.town = patch.town ?? ''
  if (patch.zone !== undefined) out.zone = patch.zone ?? ''
  if (patch.chain !== undefined) out.chain = patch.chain ?? ''
  if (patch.total_investment_yuan !== undefined) {
    out.investment = yuanToUnit(patch.total_investment_yuan, 'yi')
    out.unit = 'yi'
  }
  if (patch.location !== undefined) {
    out.lon = patch.location ? String(patch.location.lon) : ''
    out.lat = patch.location ? String(patch.location.lat) : ''
    out.crs = patch.location?.crs ?? 'wgs84'
    out.confirmOutside = !!patch.location?.confirm_outside_county
  }
  if (patch.address !== undefined) out.address = patch.address ?? ''
  if (patch.responsible_unit !== undefined) out.responsible_unit = patch.responsible_unit ?? ''
  if (patch.responsible_leader !== undefined) out.responsible_leader = patch.responsible_leader ?? ''
  if (patch.lists !== undefined) {
    out.lists = (patch.lists ?? []).map((l) => ({
      year: String(l.year), list: l.list, kind: l.kind ?? '', build_type: l.build_type ?? '',
      plan: l.annual_plan_yuan === null || l.annual_plan_yuan === undefined ? '' : yuanToUnit(l.annual_plan_yuan, 'wan'),
      planUnit: 'wan', effective_from: l.effective_from ?? '', effective_to: l.effective_to ?? '',
    }))
  }
  return out
}
