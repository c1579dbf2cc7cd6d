// @vitest-environment node
// The app's lists of a vocabulary's values (for selects, legends, URL parsing and labels) hold
// every value the API description gives, and nothing else: a value added on the server fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  APPROVAL_STATUSES, BUILD_TYPES, CHAINS, CHANGES, CRS_LIST, FACTORS, LIGHTS, LIST_KINDS, LIST_LEVELS, MILESTONES, ROLES,
  RULES, STATES, STATUSES, TIERS,
} from './enums'
import { IMPORT_FIELDS } from './importPlan'

const schemas: Record<string, { enum?: string[] }> = JSON.parse(
  readFileSync(new URL('./api/openapi.json', import.meta.url), 'utf8'),
).components.schemas

describe('vocabularies', () => {
  const lists: [string, readonly string[]][] = [
    ['Tier', TIERS], ['Chain', CHAINS], ['Status', STATUSES], ['State', STATES], ['ListLevel', LIST_LEVELS],
    ['ListKind', LIST_KINDS], ['BuildType', BUILD_TYPES], ['Light', LIGHTS], ['RuleId', RULES], ['MilestoneKind', MILESTONES],
    ['Factor', FACTORS], ['Crs', CRS_LIST], ['Change', CHANGES], ['Role', ROLES], ['ApprovalStatus', APPROVAL_STATUSES],
    ['Field', IMPORT_FIELDS],
  ]
  for (const [schema, values] of lists) {
    it(`${schema}: every value of the API description, once`, () => {
      const api = schemas[schema]?.enum
      expect(api, `${schema} is a string enum in openapi.json`).toBeInstanceOf(Array)
      expect(new Set(values).size).toBe(values.length)
      expect([...values].sort()).toEqual([...(api ?? [])].sort())
    })
  }
})
