import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  apiPath, csrfHeaders, getCsrfToken, isSessionLost, loginLocation, needsCsrf, sanitizeNext, setAuthHooks, setCsrfToken,
} from './auth'
import { ApiError, get, request } from './api'

describe('CSRF header', () => {
  afterEach(() => setCsrfToken(null))

  it('goes on every method but GET/HEAD/OPTIONS', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'post', 'delete']) expect(needsCsrf(m), m).toBe(true)
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(needsCsrf(m), m).toBe(false)
  })

  it('carries the token kept in memory, nothing without one', () => {
    expect(csrfHeaders('POST')).toEqual({})
    setCsrfToken('tok-1')
    expect(getCsrfToken()).toBe('tok-1')
    expect(csrfHeaders('POST')).toEqual({ 'X-CSRF-Token': 'tok-1' })
    expect(csrfHeaders('DELETE')).toEqual({ 'X-CSRF-Token': 'tok-1' })
    expect(csrfHeaders('GET')).toEqual({})
    expect(csrfHeaders('PATCH', 'other')).toEqual({ 'X-CSRF-Token': 'other' })
    setCsrfToken('')
    expect(csrfHeaders('POST')).toEqual({})
  })
})

describe('401 handling', () => {
  it('a 401 means "sign in again" except for the login call and /api/me', () => {
    expect(isSessionLost('/api/projects?limit=1', 401, 'unauthenticated')).toBe(true)
    expect(isSessionLost('/api/projects/3', 401, null)).toBe(true)
    expect(isSessionLost('/api/login', 401, 'login_failed')).toBe(false)
    expect(isSessionLost('/api/me', 401, 'unauthenticated')).toBe(false)
    expect(isSessionLost('/api/me?x=1', 401, 'unauthenticated')).toBe(false)
    // A wrong current password when changing it is not a lost session.
    expect(isSessionLost('/api/me/password', 401, 'login_failed')).toBe(false)
    expect(isSessionLost('/api/me/password', 401, 'unauthenticated')).toBe(true)
    expect(isSessionLost('/api/projects', 403, 'forbidden')).toBe(false)
    expect(isSessionLost('/api/projects', 200)).toBe(false)
  })

  it('apiPath drops the query and fragment', () => {
    expect(apiPath('/api/me?a=1#b')).toBe('/api/me')
    expect(apiPath('/api/me#b')).toBe('/api/me')
    expect(apiPath('/api/me')).toBe('/api/me')
  })
})

describe('next URL of the login page', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(sanitizeNext('/ledger?town=370481001&light=red')).toBe('/ledger?town=370481001&light=red')
    expect(sanitizeNext('/projects/12')).toBe('/projects/12')
    expect(sanitizeNext('/projects/12#history')).toBe('/projects/12#history')
    expect(sanitizeNext('/admin/audit?actor=%E5%BC%A0')).toBe('/admin/audit?actor=%E5%BC%A0')
    expect(sanitizeNext(['/weekly', '/x'])).toBe('/weekly')
    // Dot segments are resolved, never above the root.
    expect(sanitizeNext('/a/../../weekly')).toBe('/weekly')
  })

  it('refuses anything that could leave the site', () => {
    for (const bad of [
      'https://evil.example/', 'http://evil.example', '//evil.example', '//evil.example/path', '/\\evil.example',
      '\\\\evil.example', '/\\/evil.example', 'javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>',
      ' /ledger', '/ledger\\..\\x', '/\t/evil.example', '/\n/evil.example', 'evil.example', 'ledger', '', '?next=/', '#x',
    ]) {
      expect([bad, sanitizeNext(bad)]).toEqual([bad, '/'])
    }
    for (const bad of [null, undefined, 42, {}, []]) expect(sanitizeNext(bad)).toBe('/')
    expect(sanitizeNext('/' + 'a'.repeat(3000))).toBe('/')
  })

  it('never sends back to the login page', () => {
    expect(sanitizeNext('/login')).toBe('/')
    expect(sanitizeNext('/login?next=/ledger')).toBe('/')
  })

  it('builds the login location for the current page', () => {
    expect(loginLocation('/ledger?town=1')).toEqual({ path: '/login', query: { next: '/ledger?town=1' } })
    expect(loginLocation('/')).toEqual({ path: '/login', query: {} })
    expect(loginLocation('//evil.example')).toEqual({ path: '/login', query: {} })
  })
})

describe('request', () => {
  const calls: { url: string; init: RequestInit }[] = []
  let answers: Response[] = []
  const unauthorized = vi.fn()
  const accepted = vi.fn()
  const refresh = vi.fn(async () => 'fresh-token')
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })

  beforeEach(() => {
    calls.length = 0
    answers = []
    unauthorized.mockReset()
    accepted.mockReset()
    refresh.mockClear()
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init })
      const a = answers.shift()
      if (!a) throw new Error('no answer queued')
      return a
    }))
    setAuthHooks({ unauthorized, accepted, refreshCsrf: refresh })
    setCsrfToken('tok')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    setCsrfToken(null)
  })
  const header = (i: number, name: string) => (calls[i].init.headers as Record<string, string>)[name]

  it('sends the CSRF token on writes only', async () => {
    answers.push(json(200, { ok: 1 }), json(200, { ok: 2 }), json(204, null))
    await get('/api/projects')
    await request('PATCH', '/api/projects/1', { version: 1 })
    await request('DELETE', '/api/tokens/3')
    expect(header(0, 'X-CSRF-Token')).toBeUndefined()
    expect(header(1, 'X-CSRF-Token')).toBe('tok')
    expect(header(1, 'Content-Type')).toBe('application/json')
    expect(header(2, 'X-CSRF-Token')).toBe('tok')
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true)
  })

  it('sends to the login page on a 401, except for /api/login and /api/me', async () => {
    answers.push(json(401, { error: 'unauthenticated', message: '请先登录 / sign in' }))
    await expect(get('/api/projects')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(unauthorized).toHaveBeenCalledTimes(1)
    answers.push(json(401, { error: 'unauthenticated', message: 'x' }))
    await expect(get('/api/me')).rejects.toBeInstanceOf(ApiError)
    answers.push(json(401, { error: 'login_failed', message: 'x' }))
    await expect(request('POST', '/api/login', { username: 'a', password: 'b' })).rejects.toBeInstanceOf(ApiError)
    expect(unauthorized).toHaveBeenCalledTimes(1)
  })

  it('reports a 202 (held for approval) and still returns the body', async () => {
    answers.push(json(202, { id: 5, pending_approvals: [{ id: 1 }] }))
    const p = await request<{ id: number }>('PATCH', '/api/projects/5', { version: 1, total_investment_yuan: 1 })
    expect(p.id).toBe(5)
    expect(accepted).toHaveBeenCalledWith('/api/projects/5', { id: 5, pending_approvals: [{ id: 1 }] })
  })

  it('on 403 csrf fetches a fresh token and tries once more', async () => {
    refresh.mockImplementationOnce(async () => {
      setCsrfToken('fresh-token')
      return 'fresh-token'
    })
    answers.push(json(403, { error: 'csrf', message: 'x' }), json(200, { ok: true }))
    await expect(request('POST', '/api/reports/weekly/2026-W47/publish')).resolves.toEqual({ ok: true })
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(header(0, 'X-CSRF-Token')).toBe('tok')
    expect(header(1, 'X-CSRF-Token')).toBe('fresh-token')

    // Only once: a second refusal is the answer.
    answers.push(json(403, { error: 'csrf', message: 'x' }), json(403, { error: 'csrf', message: 'x' }))
    await expect(request('POST', '/api/x')).rejects.toMatchObject({ status: 403, code: 'csrf' })
    expect(calls.length).toBe(4)
  })

  it('does not retry a plain 403', async () => {
    answers.push(json(403, { error: 'forbidden', message: 'x' }))
    await expect(request('POST', '/api/projects', {})).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    expect(refresh).not.toHaveBeenCalled()
    expect(unauthorized).not.toHaveBeenCalled()
  })
})
