// What the signed-in user may see and do in the UI. The server decides (every endpoint checks the
// role); this only hides what would be refused. Pure: the session store and the router use it.
import type { Can, Me } from './api/types'
import { townCodes } from './accounts'

/** One thing a caller may do (a flag of `Me.can`). */
export type Ability = keyof Can

export const NO_RIGHTS: Can = { read: false, edit: false, create: false, import: false, publish: false, approve: false, admin: false }

/** The abilities of a user (none when not signed in). */
export function abilities(me: Me | null | undefined): Can {
  if (!me) return NO_RIGHTS
  return { ...NO_RIGHTS, ...(me.can ?? {}) }
}

/** May `me` edit (change fields, milestones, reports, suspend/resume/withdraw) a project in `townCode`? */
export function canEditProject(me: Me | null | undefined, townCode: string | null | undefined): boolean {
  if (!me || !abilities(me).edit) return false
  if (me.role !== 'town_editor') return true
  return !!townCode && townCodes(me.towns).includes(townCode)
}

/** Restoring a withdrawn project is an editor's decision (the server refuses town editors). */
export function canRestoreWithdrawn(me: Me | null | undefined): boolean {
  return !!me && abilities(me).edit && me.role !== 'town_editor'
}

/** The approvals page: editors and administrators decide; town editors follow their own requests. */
export function canSeeApprovals(me: Me | null | undefined): boolean {
  if (!me) return false
  return abilities(me).approve || me.role === 'town_editor'
}

/** What a route needs (its `meta`). */
export interface RouteAccess {
  /** Open to everyone (the login page). */
  public?: boolean
  /** Open to anonymous visitors when the server runs with the public map. */
  publicMap?: boolean
  /** The ability needed (default `read`), or the approvals page's own rule. */
  needs?: Ability | 'approvals'
}

export type GuardDecision = { ok: true } | { ok: false; to: 'login' | 'home' }

/**
 * Whether a route may be shown: anonymous visitors go to the login page (except on public
 * routes, and on the map when the public map is on); a signed-in user without the ability goes
 * to the map.
 */
export function routeDecision(access: RouteAccess, me: Me | null | undefined, publicMap: boolean): GuardDecision {
  if (access.public) return { ok: true }
  if (!me) return access.publicMap && publicMap ? { ok: true } : { ok: false, to: 'login' }
  const needs = access.needs ?? 'read'
  const allowed = needs === 'approvals' ? canSeeApprovals(me) : abilities(me)[needs]
  if (allowed) return { ok: true }
  // The map is for everyone signed in (a user who cannot even read is sent there, and the API
  // answers 403 there for the data).
  return access.publicMap ? { ok: true } : { ok: false, to: 'home' }
}

/** The top bar's navigation entries a user sees. */
export type NavKey = 'map' | 'dashboard' | 'ledger' | 'import' | 'weekly' | 'newProject' | 'approvals' | 'admin'

export function visibleNav(me: Me | null | undefined, publicMap: boolean): NavKey[] {
  if (!me) return publicMap ? ['map'] : []
  const can = abilities(me)
  const out: NavKey[] = ['map']
  if (can.read) out.push('dashboard', 'ledger')
  if (can.import) out.push('import')
  if (can.read) out.push('weekly')
  if (can.create) out.push('newProject')
  if (canSeeApprovals(me)) out.push('approvals')
  if (can.admin) out.push('admin')
  return out
}
