// What every API request needs from the session: the CSRF token (kept in memory only, from the
// login answer or GET /api/me), what to do on a 401 (sign in again, then come back) and on a 202
// (the change waits for approval). Pure and free of Vue and of the router: api.ts imports it,
// the session store and main.ts fill it in.

let csrfToken: string | null = null

export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token || null
}

export function getCsrfToken(): string | null {
  return csrfToken
}

/** Methods that change nothing; every other method carries the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase())
}

/** The `X-CSRF-Token` header for a request (none for GET/HEAD, none when there is no token). */
export function csrfHeaders(method: string, token: string | null = csrfToken): Record<string, string> {
  return needsCsrf(method) && token ? { 'X-CSRF-Token': token } : {}
}

/** The path of a request URL without its query or fragment (`/api/me?x=1` → `/api/me`). */
export function apiPath(url: string): string {
  const i = url.search(/[?#]/)
  return i < 0 ? url : url.slice(0, i)
}

/** Calls whose 401 is an answer in its own right (wrong password, not signed in yet), not an expired session. */
const AUTH_PROBES = new Set(['/api/login', '/api/me'])

/**
 * Whether a 401 answer to `url` means "the session is gone: sign in again". Not for the login
 * call and the session probe, and not for a wrong password (`login_failed`, e.g. the current
 * password when changing it).
 */
export function isSessionLost(url: string, status: number, code?: string | null): boolean {
  if (status !== 401) return false
  if (AUTH_PROBES.has(apiPath(url))) return false
  return code !== 'login_failed'
}

const MAX_NEXT = 2000

/**
 * The `next` parameter of the login page made safe: only a path on this origin (`/ledger?town=…`),
 * never another host (`//evil`, `/\evil`, `https://…`, `javascript:`), never the login page itself.
 * Anything else gives `/`.
 */
export function sanitizeNext(raw: unknown): string {
  const next = Array.isArray(raw) ? raw[0] : raw
  if (typeof next !== 'string' || !next || next.length > MAX_NEXT) return '/'
  // A relative path: one slash, then not a second slash or a backslash (browsers read `/\host` as `//host`).
  if (next[0] !== '/' || next[1] === '/' || next[1] === '\\') return '/'
  // No backslashes, whitespace or control characters anywhere (they are normalised away by URL parsers).
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\u0000-\u001f\u007f]/.test(next)) return '/'
  let url: URL
  try {
    url = new URL(next, 'http://keyproj.invalid')
  } catch {
    return '/'
  }
  if (url.origin !== 'http://keyproj.invalid') return '/'
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return '/'
  return url.pathname + url.search + url.hash
}

/** The login page's location for coming back to `current` afterwards. */
export function loginLocation(current: string | null | undefined): { path: '/login'; query: Record<string, string> } {
  const next = sanitizeNext(current)
  return { path: '/login', query: next === '/' ? {} : { next } }
}

// Hooks set by the app (main.ts); api.ts calls them.
type Hooks = {
  /** A call answered 401 while the user was thought to be signed in. */
  unauthorized: (url: string) => void
  /** A write was answered 202: (part of) it waits for approval. */
  accepted: (url: string, body: unknown) => void
  /** Fetch a fresh CSRF token (after a `403 csrf`); resolves to the token or null. */
  refreshCsrf: () => Promise<string | null>
}

const hooks: Hooks = {
  unauthorized: () => {
    if (typeof window === 'undefined') return
    const here = window.location.pathname + window.location.search + window.location.hash
    if (window.location.pathname === '/login') return
    const { query } = loginLocation(here)
    window.location.assign('/login' + (query.next ? `?next=${encodeURIComponent(query.next)}` : ''))
  },
  accepted: () => {},
  refreshCsrf: async () => null,
}

export function setAuthHooks(h: Partial<Hooks>) {
  Object.assign(hooks, h)
}

export function onUnauthorized(url: string) {
  hooks.unauthorized(url)
}

export function onAccepted(url: string, body: unknown) {
  hooks.accepted(url, body)
}

export function refreshCsrf(): Promise<string | null> {
  return hooks.refreshCsrf()
}
