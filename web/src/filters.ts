// The filters shared by the map and the ledger, and their round trip through the URL query.
import { CHAINS, LIGHTS, LIST_LEVELS, STATUSES, TIERS, isOneOf } from './enums'
import type { Chain, Light, ListLevel, Status, Tier } from './api/types'

export interface Filters {
  year?: number
  tier?: Tier
  chain?: Chain
  list?: ListLevel
  status?: Status
  light?: Light
  /** Town: 9-digit NBS code. */
  town?: string
  /** Text in name, code or company. */
  q?: string
}

/** The query keys owned by the filters, in URL order. Other keys of the query are left alone. */
export const FILTER_KEYS = ['year', 'town', 'chain', 'tier', 'list', 'status', 'light', 'q'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]

export const MIN_YEAR = 2000
export const MAX_YEAR = 2100
export const MAX_Q = 100

type QueryValue = string | null | undefined | (string | null)[]
export type QueryLike = Record<string, QueryValue>

function first(v: QueryValue): string | undefined {
  if (Array.isArray(v)) v = v.find((x) => typeof x === 'string')
  if (typeof v !== 'string') return undefined
  const s = v.trim()
  return s === '' ? undefined : s
}

/** Read the filters from a route query; anything unknown or invalid is dropped. */
export function parseFilters(query: QueryLike): Filters {
  const f: Filters = {}
  const year = first(query.year)
  if (year !== undefined && /^\d{4}$/.test(year)) {
    const y = Number(year)
    if (y >= MIN_YEAR && y <= MAX_YEAR) f.year = y
  }
  const tier = first(query.tier)
  if (isOneOf(TIERS, tier)) f.tier = tier
  const chain = first(query.chain)
  if (isOneOf(CHAINS, chain)) f.chain = chain
  const list = first(query.list)
  if (isOneOf(LIST_LEVELS, list)) f.list = list
  const status = first(query.status)
  if (isOneOf(STATUSES, status)) f.status = status
  const light = first(query.light)
  if (isOneOf(LIGHTS, light)) f.light = light
  const town = first(query.town)
  if (town !== undefined && /^\d{9}$/.test(town)) f.town = town
  const q = first(query.q)
  if (q !== undefined) f.q = q.slice(0, MAX_Q)
  return f
}

/** Normalise a filter object (as edited by the controls): drops empty and invalid values. */
export function normalizeFilters(f: Partial<Record<FilterKey, unknown>>): Filters {
  const q: QueryLike = {}
  for (const k of FILTER_KEYS) {
    const v = f[k]
    if (v === null || v === undefined || v === '') continue
    q[k] = String(v)
  }
  return parseFilters(q)
}

/** The filters as query entries; defaults (no filter) are omitted. */
export function filtersToQuery(f: Filters): Record<string, string> {
  const n = normalizeFilters(f as Record<FilterKey, unknown>)
  const out: Record<string, string> = {}
  for (const k of FILTER_KEYS) {
    const v = n[k]
    if (v !== undefined) out[k] = String(v)
  }
  return out
}

/** Merge the filters into a route query, keeping the query's other keys (page, measure …). */
export function mergeQuery(query: QueryLike, f: Filters): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {}
  for (const [k, v] of Object.entries(query)) {
    if (!(FILTER_KEYS as readonly string[]).includes(k)) out[k] = v
  }
  return { ...out, ...filtersToQuery(f) }
}

/** API query parameters for the filters (the API takes the same names). */
export function filtersToParams(f: Filters, extra: Record<string, string | number | undefined> = {}): URLSearchParams {
  const p = new URLSearchParams(filtersToQuery(f))
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined && v !== '') p.set(k, String(v))
  }
  return p
}

export function sameFilters(a: Filters, b: Filters): boolean {
  const qa = filtersToQuery(a)
  const qb = filtersToQuery(b)
  return FILTER_KEYS.every((k) => qa[k] === qb[k])
}

export function hasFilters(f: Filters): boolean {
  return Object.keys(filtersToQuery(f)).length > 0
}
