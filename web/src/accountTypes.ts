// Types of the accounts part of the keyproj API (docs/accounts.md): the signed-in user, users,
// API tokens, the global audit trail and approvals of sensitive changes.
import type { AuditRecord, Project } from './types'

export type Role = 'admin' | 'editor' | 'town_editor' | 'viewer'
export const ROLES: readonly Role[] = ['admin', 'editor', 'town_editor', 'viewer']

/** What the signed-in caller may do (`GET /api/me` → `can`). */
export interface Can {
  read: boolean
  edit: boolean
  create: boolean
  import: boolean
  publish: boolean
  approve: boolean
  admin: boolean
}
export type Ability = keyof Can
export const ABILITIES: readonly Ability[] = ['read', 'edit', 'create', 'import', 'publish', 'approve', 'admin']

export interface TownRef {
  code: string
  name: string
}

/** `GET /api/me`. */
export interface Me {
  id: number | null
  username: string
  display_name: string | null
  role: Role
  /** `[{code, name}]` (docs/accounts.md); bare codes are read as well. */
  towns: (TownRef | string)[]
  via: 'session' | 'token'
  csrf_token?: string | null
  approval_required: boolean
  can: Can
}

/** `GET /api/config` (no sign-in needed). */
export interface PublicConfig {
  public_map: boolean
}

export interface LoginAnswer {
  user: Me
  csrf_token: string
}

export interface User {
  id: number
  username: string
  display_name: string | null
  role: Role
  towns: (TownRef | string)[]
  disabled: boolean
  created_at: string
  last_login_at: string | null
  version: number
}

export interface NewUser {
  username: string
  display_name?: string
  role: Role
  towns?: string[]
  password?: string
}

export type UserPatch = { version: number } & Partial<{
  display_name: string | null
  role: Role
  towns: string[]
  disabled: boolean
}>

export interface ApiToken {
  id: number
  name: string
  role: Role
  towns: (TownRef | string)[]
  created_at: string
  created_by: string | null
  revoked_at: string | null
  last_used_at: string | null
}

export interface NewToken {
  name: string
  role: Role
  towns?: string[]
}

export interface AuditFilters {
  actor?: string
  source?: string
  entity?: string
  action?: string
  from?: string
  to?: string
}

export interface AuditPage {
  items: AuditRecord[]
  total: number
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected'
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected']

export interface Approval {
  id: number
  project_id: number
  project_name: string
  town_code: string
  /** "update" | "milestone.start" | "milestone.complete" | … | "withdraw" */
  kind: string
  /** The held request body. */
  change: Record<string, unknown> | null
  /** The values of the changed fields when the change was requested. */
  current: Record<string, unknown> | null
  requested_by: string
  requested_source?: string | null
  requested_at: string
  status: ApprovalStatus
  decided_by?: string | null
  decided_at?: string | null
  note?: string | null
}

/** A project as answered by the API once approvals exist. */
export type ProjectWithApprovals = Project & { pending_approvals?: Approval[] }
