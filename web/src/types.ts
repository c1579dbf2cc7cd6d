// Types of the keyproj HTTP API (see src/http/openapi.json in the repository).

export type Tier = 'below' | '100m' | '1b' | '5b' | '10b'
export type Chain =
  | 'chemical' | 'machine_tool' | 'lithium' | 'pharma' | 'digital' | 'culture_tourism'
  | 'agriculture' | 'logistics' | 'infrastructure' | 'urban' | 'energy_ecology' | 'other'
export type Status =
  | 'pipeline' | 'signed' | 'preparing' | 'under_construction' | 'completed'
  | 'in_production' | 'suspended' | 'withdrawn'
export type ListLevel = 'attracted' | 'province_major' | 'province_quality' | 'municipal' | 'county'
export type Light = 'red' | 'yellow' | 'blue' | 'green' | 'grey'
export type MilestoneKind = 'signed' | 'land' | 'permit' | 'start' | 'completion' | 'production'
export type Factor = 'land' | 'energy' | 'environment' | 'funds' | 'permits' | 'partner' | 'other'
export type Crs = 'wgs84' | 'gcj02' | 'bd09'
export type ListKind = 'implementation' | 'preparation'
export type BuildType = 'new_start' | 'continuing' | 'pre_construction'
export type State = 'active' | 'suspended' | 'withdrawn'

export interface Reason {
  rule: string
  light: Light
  milestone?: MilestoneKind
  due?: string
  days_late?: number
  gap_points?: number
  message: string
  message_en: string
}

export interface Replan {
  from: string | null
  to: string | null
  reason: string
  actor: string
  at: string
  effective?: string | null
}

export interface Milestone {
  baseline: string | null
  planned: string | null
  actual: string | null
  replans: Replan[]
}

export interface Membership {
  year: number
  list: ListLevel
  kind?: ListKind | null
  build_type?: BuildType | null
  annual_plan_yuan?: number | null
  effective_from?: string | null
  effective_to?: string | null
}

export interface Problem {
  factor: Factor
  text: string
  responsible_unit?: string | null
}

export interface MonthlyReport {
  period: string
  completed_yuan: number
  funds_arrived_yuan?: number | null
  note?: string | null
  problems: Problem[]
  reported_at?: string
  reported_by?: string
}

export interface Project {
  id: number
  code: string
  name: string
  company: string | null
  town: { code: string; name: string }
  zone: string | null
  chain: Chain
  total_investment_yuan: number
  tier: Tier
  status: Status
  state: State
  state_reason: string | null
  location: { lon: number; lat: number; precision: 'exact' | 'town'; outside_county?: boolean } | null
  address: string | null
  responsible_unit: string | null
  responsible_leader: string | null
  sample: boolean
  milestones: Partial<Record<MilestoneKind, Milestone>>
  lists: Membership[]
  reports?: MonthlyReport[]
  version: number
  created_at: string
  updated_at: string
  light: Light
  reasons: Reason[]
}

export interface ProjectPage {
  items: Project[]
  total: number
  limit: number
  offset: number
}

export interface LocationInput {
  lon: number
  lat: number
  crs?: Crs
  confirm_outside_county?: boolean
}

export interface ProjectInput {
  code?: string
  name: string
  company?: string
  town: string
  zone?: string
  chain: Chain
  total_investment_yuan: number
  location?: LocationInput
  address?: string
  responsible_unit?: string
  responsible_leader?: string
  milestones?: Partial<Record<MilestoneKind, { planned?: string; actual?: string }>>
  lists?: Membership[]
}

export type ProjectPatch = { version: number } & Partial<{
  name: string
  company: string | null
  town: string
  zone: string | null
  chain: Chain
  total_investment_yuan: number
  location: LocationInput | null
  address: string | null
  responsible_unit: string | null
  responsible_leader: string | null
  lists: Membership[]
}>

export interface Town {
  code: string
  name: string
  name_hant: string
  name_en: string
  pinyin: string
  kind: string
  seat: { lon: number; lat: number }
  approximate: boolean
  aliases: string[]
}

export interface TownList {
  county: string
  attribution: string
  items: Town[]
}

export interface TownProps {
  code: string
  name: string
  name_hant: string
  name_en: string
  kind: string
  approximate: boolean
  seat_lon: number
  seat_lat: number
  project_count: number
  investment_yuan: number
}

export interface PointProps {
  id: number
  code: string
  name: string
  company: string | null
  tier: Tier
  chain: Chain
  town: string
  town_name: string
  status: Status
  total_investment_yuan: number
  location_precision: 'exact' | 'town'
  light: Light
  reasons: Reason[]
}

export interface Feature<G, P> {
  type: 'Feature'
  id?: number | string
  geometry: G
  properties: P
}

export interface PolygonGeometry {
  type: 'Polygon' | 'MultiPolygon'
  coordinates: unknown
}
export interface PointGeometry {
  type: 'Point'
  coordinates: [number, number]
}

export interface FeatureCollection<G, P> {
  type: 'FeatureCollection'
  attribution?: string
  features: Feature<G, P>[]
}

export type TownCollection = FeatureCollection<PolygonGeometry, TownProps>
export type PointCollection = FeatureCollection<PointGeometry, PointProps>
export type CountyCollection = FeatureCollection<PolygonGeometry, { name: string }>

export interface Rate {
  count: number
  of: number
  percent: number | null
}

export interface IndicatorGroup {
  key: string
  label: string
  projects: number
  started: Rate
  investment: {
    completed_yuan: number
    plan_yuan: number
    percent: number | null
    time_share_percent: number
    points: number | null
  }
  completed: Rate
  lights: Record<Light, number>
}

export interface TierCount {
  tier: Tier
  label: string
  count: number
  target: number | null
}

export interface Indicators {
  year: number
  as_of: string
  rules: string
  time_share_percent: number
  key: IndicatorGroup
  by_level: IndicatorGroup[]
  by_town: IndicatorGroup[]
  by_chain: IndicatorGroup[]
  by_unit: IndicatorGroup[]
  attracted_started: TierCount[]
  attracted_signed: TierCount[]
  key_projects: Rate
  key_province_municipal: Rate
  lights: Record<Light, number>
  monthly: { period: string; completed_yuan: number; percent: number | null; time_share_percent: number }[]
  targets: Record<string, number>
}

export interface Laggard {
  project_id: number
  code: string
  name: string
  town_code: string
  town: string
  responsible_unit: string | null
  chain: Chain
  tier: Tier
  total_investment_yuan: number
  light: Light
  rule: string
  milestone?: MilestoneKind | null
  due?: string | null
  days_late?: number | null
  gap_points?: number | null
  message: string
  reasons: Reason[]
  problem?: { factor: Factor; factor_label: string; text: string; period?: string } | null
  weeks_in_a_row: number
}

export interface LaggardGroup {
  key: string
  label: string
  red: number
  yellow: number
  project_ids: number[]
}

export type ChangeKind = 'new' | 'worsened' | 'improved' | 'cleared'

export interface DiffRow {
  project_id: number
  code: string
  name: string
  town: string
  change: ChangeKind
  before: Light | null
  after: Light | null
  rule_before: string | null
  rule_after: string | null
}

export interface WeeklyReport {
  week: string
  as_of: string
  year: number
  rules: string
  generated_at: string
  summary: {
    projects: number
    laggards: number
    red: number
    yellow: number
    blue: number
    green: number
    suspended_or_withdrawn: number
    new: number
    worsened: number
    improved: number
    cleared: number
  }
  laggards: Laggard[]
  by_town: LaggardGroup[]
  by_unit: LaggardGroup[]
  diff: DiffRow[]
  inactive: { project_id: number; code: string; name: string; town: string; state: State; reason: string | null }[]
  previous?: { week: string; published: boolean } | null
  published?: { published_at: string; published_by: string } | null
}

export interface PublishedWeek {
  week: string
  published_at: string
  published_by: string
}

export interface AuditRecord {
  id?: number
  at: string
  actor: string
  source: string
  action: string
  entity?: string
  entity_id?: string
  before: unknown
  after: unknown
}

export interface ApiErrorBody {
  error: string
  message: string
  message_zh?: string
  message_en?: string
  details: { field: string; message?: string; message_zh?: string; message_en?: string }[]
}
