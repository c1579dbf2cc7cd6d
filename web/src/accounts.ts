// Pure helpers of the accounts pages: password rule, what an approval changes, role and town
// display. (The server checks everything again.)
import { fieldChanges, type FieldChange } from './diff'
import type { Approval, TownRef } from './accountTypes'

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

/** Town codes of a town list as sent by the API (`[{code, name}]`, or bare codes). */
export function townCodes(towns: readonly (TownRef | string)[] | null | undefined): string[] {
  return (towns ?? []).map((t) => (typeof t === 'string' ? t : t.code))
}

/** Request bookkeeping in a held change: not a change of the project. */
const NOT_CHANGES = new Set(['version', 'reason', 'note', 'confirm', 'confirm_outside_county'])

/** The milestone of an approval kind (`milestone.start` → `start`; `milestone.complete` → `completion`), or null. */
export function approvalMilestone(kind: string): string | null {
  const m = /^milestone\.([a-z_]+)$/.exec(kind)
  if (!m) return null
  const k = m[1]
  if (k === 'complete') return 'completion'
  if (k === 'produce') return 'production'
  return k
}

function pick(o: Record<string, unknown> | null | undefined, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) if (o && k in o) out[k] = o[k]
  return out
}

/**
 * What an approval changes, field by field, from the values when it was requested (`current`)
 * to the requested ones (`change`). Field paths are those of the project (`total_investment_yuan`,
 * `lists[0].year`, `milestones.start.actual`), so that fieldLabels.ts can name them.
 */
export function approvalChanges(a: Pick<Approval, 'kind' | 'change' | 'current'>): FieldChange[] {
  const change = (a.change ?? {}) as Record<string, unknown>
  const current = (a.current ?? {}) as Record<string, unknown>
  let keys = Object.keys(change).filter((k) => !NOT_CHANGES.has(k))
  let before = pick(current, keys)
  let after = pick(change, keys)
  if (a.kind === 'withdraw') {
    // The request body is the reason alone: the change is the state.
    keys = ['state']
    before = { state: current.state ?? 'active' }
    after = { state: 'withdrawn' }
  }
  const ms = approvalMilestone(a.kind)
  if (ms) {
    // `current` may be the milestone itself ({planned, actual}) or already its project path.
    const cur = (current.milestones as Record<string, unknown> | undefined)?.[ms] as Record<string, unknown> | undefined
    before = { milestones: { [ms]: pick(cur ?? current, keys) } }
    after = { milestones: { [ms]: after } }
  }
  // Fields requested with the value they already had are not a change.
  return fieldChanges(before, after, new Set())
}

/** The reason given with a held change (milestone moves and withdrawals carry one). */
export function approvalReason(a: Pick<Approval, 'change'>): string | null {
  const r = (a.change as Record<string, unknown> | null)?.reason
  return typeof r === 'string' && r.trim() ? r : null
}
