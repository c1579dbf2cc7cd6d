// The values of the API's closed vocabularies, in the order the app shows them (the types come
// from the API description; enums.test.ts checks that each list has every value of its type).
import type {
  ApprovalStatus, BuildType, Chain, ChangeKind, Crs, Factor, Light, ListKind, ListLevel, MilestoneKind, Role, RuleId,
  State, Status, Tier,
} from './api/types'

export const TIERS: readonly Tier[] = ['below', '100m', '1b', '5b', '10b']
export const CHAINS: readonly Chain[] = [
  'chemical', 'machine_tool', 'lithium', 'pharma', 'digital', 'culture_tourism',
  'agriculture', 'logistics', 'infrastructure', 'urban', 'energy_ecology', 'other',
]
export const STATUSES: readonly Status[] = [
  'pipeline', 'signed', 'preparing', 'under_construction', 'completed', 'in_production', 'suspended', 'withdrawn',
]
export const LIST_LEVELS: readonly ListLevel[] = ['attracted', 'province_major', 'province_quality', 'municipal', 'county']
export const LIGHTS: readonly Light[] = ['red', 'yellow', 'blue', 'green', 'grey']
export const MILESTONES: readonly MilestoneKind[] = ['signed', 'land', 'permit', 'start', 'completion', 'production']
export const FACTORS: readonly Factor[] = ['land', 'energy', 'environment', 'funds', 'permits', 'partner', 'other']
export const CRS_LIST: readonly Crs[] = ['wgs84', 'gcj02', 'bd09']
export const LIST_KINDS: readonly ListKind[] = ['implementation', 'preparation']
export const BUILD_TYPES: readonly BuildType[] = ['new_start', 'continuing', 'pre_construction']
export const STATES: readonly State[] = ['active', 'suspended', 'withdrawn']
export const CHANGES: readonly ChangeKind[] = ['new', 'worsened', 'improved', 'cleared']
export const RULES: readonly RuleId[] = [
  'start_overdue', 'completion_overdue', 'production_overdue', 'due_soon', 'investment_behind', 'stale', 'suspended', 'withdrawn',
]
export const ROLES: readonly Role[] = ['admin', 'editor', 'town_editor', 'viewer']
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected']

/** Colours of the lights, shared by the map, tags and charts. */
export const LIGHT_COLORS: Record<Light, string> = {
  red: '#d93026',
  yellow: '#f2b705',
  blue: '#1a73e8',
  green: '#1e8e3e',
  grey: '#9aa0a6',
}

/** Point radius (px) on the map by tier. */
export const TIER_RADIUS: Record<Tier, number> = {
  below: 4,
  '100m': 5.5,
  '1b': 7.5,
  '5b': 9.5,
  '10b': 12,
}

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value)
}
