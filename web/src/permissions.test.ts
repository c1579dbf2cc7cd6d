import { describe, expect, it } from 'vitest'
import { abilities, canEditProject, canRestoreWithdrawn, canSeeApprovals, NO_RIGHTS, routeDecision, visibleNav } from './permissions'
import type { Can, Me, Role } from './api/types'

const CAN: Record<Role, Can> = {
  admin: { read: true, edit: true, create: true, import: true, publish: true, approve: true, admin: true },
  editor: { read: true, edit: true, create: true, import: true, publish: true, approve: true, admin: false },
  town_editor: { read: true, edit: true, create: false, import: false, publish: false, approve: false, admin: false },
  viewer: { read: true, edit: false, create: false, import: false, publish: false, approve: false, admin: false },
}

function user(role: Role, towns: string[] = []): Me {
  return {
    id: 1, username: role, display_name: null, role, role_label: role, towns: towns.map((code) => ({ code, name: code })),
    via: 'session', csrf_token: 't', approval_required: role === 'town_editor', can: CAN[role],
  }
}

describe('abilities', () => {
  it('none when not signed in; the server’s `can` otherwise', () => {
    expect(abilities(null)).toEqual(NO_RIGHTS)
    expect(abilities(user('viewer'))).toEqual(CAN.viewer)
    // A missing flag counts as "no".
    expect(abilities({ ...user('editor'), can: { read: true } as Can })).toEqual({ ...NO_RIGHTS, read: true })
  })
})

describe('canRestoreWithdrawn', () => {
  it('is for editors and administrators, not town editors or viewers', () => {
    expect(canRestoreWithdrawn(user('admin'))).toBe(true)
    expect(canRestoreWithdrawn(user('editor'))).toBe(true)
    expect(canRestoreWithdrawn(user('town_editor', ['370481001']))).toBe(false)
    expect(canRestoreWithdrawn(user('viewer'))).toBe(false)
    expect(canRestoreWithdrawn(null)).toBe(false)
  })
})

describe('canEditProject', () => {
  it('editors and admins edit any project; viewers none', () => {
    expect(canEditProject(user('admin'), '370481001')).toBe(true)
    expect(canEditProject(user('editor'), '370481009')).toBe(true)
    expect(canEditProject(user('viewer'), '370481001')).toBe(false)
    expect(canEditProject(null, '370481001')).toBe(false)
  })

  it('a town editor edits only projects in its towns', () => {
    const te = user('town_editor', ['370481001', '370481005'])
    expect(canEditProject(te, '370481001')).toBe(true)
    expect(canEditProject(te, '370481005')).toBe(true)
    expect(canEditProject(te, '370481002')).toBe(false)
    expect(canEditProject(te, null)).toBe(false)
    expect(canEditProject(user('town_editor'), '370481001')).toBe(false)
    // Without the edit ability (e.g. a disabled right), nothing.
    expect(canEditProject({ ...te, can: { ...CAN.town_editor, edit: false } }, '370481001')).toBe(false)
  })
})

describe('approvals page', () => {
  it('for those who decide, and for town editors (their own requests)', () => {
    expect(canSeeApprovals(user('admin'))).toBe(true)
    expect(canSeeApprovals(user('editor'))).toBe(true)
    expect(canSeeApprovals(user('town_editor', ['370481001']))).toBe(true)
    expect(canSeeApprovals(user('viewer'))).toBe(false)
    expect(canSeeApprovals(null)).toBe(false)
  })
})

describe('routeDecision', () => {
  it('anonymous: the login page, except public routes and the public map', () => {
    expect(routeDecision({ public: true }, null, false)).toEqual({ ok: true })
    expect(routeDecision({}, null, false)).toEqual({ ok: false, to: 'login' })
    expect(routeDecision({ publicMap: true }, null, false)).toEqual({ ok: false, to: 'login' })
    expect(routeDecision({ publicMap: true }, null, true)).toEqual({ ok: true })
    // The public map opens the map only.
    expect(routeDecision({}, null, true)).toEqual({ ok: false, to: 'login' })
    expect(routeDecision({ needs: 'admin' }, null, true)).toEqual({ ok: false, to: 'login' })
  })

  it('signed in: what the role may do', () => {
    const v = user('viewer')
    expect(routeDecision({}, v, false)).toEqual({ ok: true })
    expect(routeDecision({ publicMap: true }, v, false)).toEqual({ ok: true })
    for (const needs of ['create', 'import', 'edit', 'admin', 'approvals'] as const) {
      expect(routeDecision({ needs }, v, false), needs).toEqual({ ok: false, to: 'home' })
    }
    const te = user('town_editor', ['370481001'])
    expect(routeDecision({ needs: 'edit' }, te, false)).toEqual({ ok: true })
    expect(routeDecision({ needs: 'approvals' }, te, false)).toEqual({ ok: true })
    expect(routeDecision({ needs: 'create' }, te, false)).toEqual({ ok: false, to: 'home' })
    expect(routeDecision({ needs: 'import' }, te, false)).toEqual({ ok: false, to: 'home' })
    expect(routeDecision({ needs: 'admin' }, user('editor'), false)).toEqual({ ok: false, to: 'home' })
    expect(routeDecision({ needs: 'admin' }, user('admin'), false)).toEqual({ ok: true })
  })
})

describe('visibleNav', () => {
  it('by role', () => {
    expect(visibleNav(null, false)).toEqual([])
    expect(visibleNav(null, true)).toEqual(['map'])
    expect(visibleNav(user('viewer'), false)).toEqual(['map', 'dashboard', 'ledger', 'weekly'])
    expect(visibleNav(user('town_editor', ['370481001']), false)).toEqual(['map', 'dashboard', 'ledger', 'weekly', 'approvals'])
    expect(visibleNav(user('editor'), false)).toEqual(['map', 'dashboard', 'ledger', 'import', 'weekly', 'newProject', 'approvals'])
    expect(visibleNav(user('admin'), true)).toEqual(['map', 'dashboard', 'ledger', 'import', 'weekly', 'newProject', 'approvals', 'admin'])
  })
})
