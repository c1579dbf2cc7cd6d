// The accounts part of the keyproj API (docs/accounts.md): sign-in, the signed-in user, users,
// API tokens, the global audit trail and approvals. Same origin, through api.ts's `request`
// (CSRF token, 401 → login page), except the login call itself, which needs the Retry-After
// of a throttled attempt.
import { ApiError, isErrorAnswer, request, type ErrorAnswer } from './api'
import type { AuditFilters } from './auditFilters'
import type {
  ApprovalList, ApprovalStatusParam, Approved, AuditPage, CreatedToken, CreatedUser, Decision, LoginInput, Me, NewPassword,
  NewToken, NewUser, PasswordChange, PublicConfig, Rejected, SignedIn, TokenList, User, UserList, UserPatch,
} from './api/types'

const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal)
const id = (v: number | string) => encodeURIComponent(String(v))

function withParams(path: string, params: URLSearchParams): string {
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

/** A refused login: `401 login_failed`, or `429 throttled` with the seconds to wait (Retry-After). */
export class LoginError extends ApiError {
  readonly retryAfter: number | null
  constructor(status: number, body: ErrorAnswer | null, retryAfter: number | null) {
    super(status, body)
    this.name = 'LoginError'
    this.retryAfter = retryAfter
  }
}

/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (!value) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** Audit filters (and paging) as query parameters; empty values are left out. */
export function auditParams(f: AuditFilters, page?: { limit: number; offset: number }): URLSearchParams {
  const p = new URLSearchParams()
  for (const k of ['actor', 'source', 'entity', 'action', 'from', 'to'] as const) {
    const v = f[k]?.trim()
    if (v) p.set(k, v)
  }
  if (page) {
    p.set('limit', String(page.limit))
    p.set('offset', String(page.offset))
  }
  return p
}

export const accountsApi = {
  config: () => get<PublicConfig>('/api/config'),
  me: () => get<Me>('/api/me'),

  async login(username: string, password: string): Promise<SignedIn> {
    let res: Response
    try {
      res = await fetch('/api/login', {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password } satisfies LoginInput),
        credentials: 'same-origin',
      })
    } catch (e) {
      throw new ApiError(0, null, (e as Error)?.message ?? 'network error')
    }
    const text = await res.text()
    let data: unknown = null
    try {
      data = text ? JSON.parse(text) : null
    } catch {
      data = null
    }
    if (!res.ok) {
      throw new LoginError(res.status, isErrorAnswer(data) ? data : null, parseRetryAfter(res.headers.get('Retry-After')))
    }
    return data as SignedIn
  },

  logout: (everywhere = false) => request<null>('POST', everywhere ? '/api/logout?everywhere=true' : '/api/logout'),
  changePassword: (current_password: string, new_password: string) =>
    request<null>('POST', '/api/me/password', { current_password, new_password } satisfies PasswordChange),

  users: () => get<UserList>('/api/users'),
  createUser: (u: NewUser) => request<CreatedUser>('POST', '/api/users', u),
  patchUser: (userId: number, patch: UserPatch) => request<User>('PATCH', `/api/users/${id(userId)}`, patch),
  resetPassword: (userId: number) => request<NewPassword>('POST', `/api/users/${id(userId)}/reset-password`),

  tokens: () => get<TokenList>('/api/tokens'),
  createToken: (t: NewToken) => request<CreatedToken>('POST', '/api/tokens', t),
  revokeToken: (tokenId: number) => request<null>('DELETE', `/api/tokens/${id(tokenId)}`),

  audit: (f: AuditFilters, limit: number, offset: number, signal?: AbortSignal) =>
    get<AuditPage>(withParams('/api/audit', auditParams(f, { limit, offset })), signal),
  auditXlsxUrl: (f: AuditFilters) => withParams('/api/exports/audit.xlsx', auditParams(f)),

  approvals: (status: ApprovalStatusParam = 'pending', project?: number) => {
    const p = new URLSearchParams({ status })
    if (project !== undefined) p.set('project', String(project))
    return get<ApprovalList>(withParams('/api/approvals', p))
  },
  approve: (approvalId: number, note?: string) =>
    request<Approved>('POST', `/api/approvals/${id(approvalId)}/approve`, (note ? { note } : {}) satisfies Decision),
  reject: (approvalId: number, note: string) =>
    request<Rejected>('POST', `/api/approvals/${id(approvalId)}/reject`, { note } satisfies Decision),
}
