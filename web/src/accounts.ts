// Pure helpers of the accounts pages: password rule, what an approval changes, role and town
// display. (The server checks everything again.)
import { fieldChanges, type FieldChange } from './diff'
import type { Approval, ApprovalKind, MilestoneKind, TownName } from './api/types'

/** Passwords: at least 10 characters (docs/accounts.md). */
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 256

/** The i18n key of what is wrong with a new password, or null. */
export function passwordProblem(password: string, username?: string): string | null {
  const n = [...password].length
  if (n === 0) return 'form.required'
  if (n < PASSWORD_MIN) return 'password.tooShort'
  if (n > PASSWORD_MAX) return 'password.tooLong'
  if (username && password.toLowerCase() === username.trim().toLowerCase()) return 'password.sameAsUsername'
  return null
}

/** The codes of a user's or a token's towns (`[{code, name}]`). */
export function townCodes(towns: readonly TownName[]): string[] {
  return towns.map((t) => t.code)
}

/** A user's or a token's towns for a table cell: `荆河街道、龙泉街道`, or `—`. */
export function townNames(towns: readonly TownName[]): string {
  return towns.length ? towns.map((t) => t.name || t.code).join('、') : '—'
}

/** Request bookkeeping in a held change: not a change of the project. */
const NOT_CHANGES = new Set(['version', 'reason', 'note', 'confirm', 'confirm_outside_county'])

const APPROVAL_MILESTONES: Record<ApprovalKind, MilestoneKind | null> = {
  update: null,
  withdraw: null,
  'milestone.signed': 'signed',
  'milestone.land': 'land',
  'milestone.permit': 'permit',
  'milestone.start': 'start',
  'milestone.completion': 'completion',
  'milestone.production': 'production',
}

/** The milestone an approval of this kind moves (`milestone.start` → `start`), or null. */
export function approvalMilestone(kind: ApprovalKind): MilestoneKind | null {
  return APPROVAL_MILESTONES[kind] ?? null
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) if (k in o) out[k] = o[k]
  return out
}

/**
 * What an approval changes, field by field, from the values when it was requested (`current`)
 * to the requested ones (`change`). Field paths are those of the project (`total_investment_yuan`,
 * `lists[0].year`, `milestones.start.actual`), so that fieldLabels.ts can name them.
 */
export function approvalChanges(a: Pick<Approval, 'kind' | 'change' | 'current'>): FieldChange[] {
  const { change, current } = a
  const keys = Object.keys(change).filter((k) => !NOT_CHANGES.has(k))
  let before = pick(current, keys)
  let after = pick(change, keys)
  if (a.kind === 'withdraw') {
    // The request body is the reason alone: the change is the state.
    before = { state: current.state ?? 'active' }
    after = { state: 'withdrawn' }
  }
  const ms = approvalMilestone(a.kind)
  if (ms) {
    // `current` is the milestone's dates ({planned, actual}): shown under its project path.
    before = { milestones: { [ms]: before } }
    after = { milestones: { [ms]: after } }
  }
  // Fields requested with the value they already had are not a change.
  return fieldChanges(before, after, new Set())
}

/** The reason given with a held change (milestone moves and withdrawals carry one). */
export function approvalReason(a: Pick<Approval, 'change'>): string | null {
  const r = a.change.reason
  return typeof r === 'string' && r.trim() ? r : null
}
