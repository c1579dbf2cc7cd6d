// The session: who is signed in (GET /api/me, once at start), whether the server runs the
// public map (GET /api/config), and what the user may do. One store for the whole app.
import { computed, shallowRef } from 'vue'
import { ApiError } from '../api'
import { accountsApi } from '../accountsApi'
import { setCsrfToken } from '../auth'
import { abilities, canEditProject, canSeeApprovals, canRestoreWithdrawn } from '../permissions'
import type { Me } from '../api/types'

const me = shallowRef<Me | null>(null)
const publicMap = shallowRef(false)
const loaded = shallowRef(false)
let loading: Promise<void> | null = null

function setMe(m: Me | null, csrf?: string | null) {
  me.value = m
  setCsrfToken(m ? (csrf ?? m.csrf_token ?? null) : null)
}

async function fetchMe(): Promise<Me | null> {
  try {
    return await accountsApi.me()
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null
    throw e
  }
}

/** Load the user and the public configuration once (the router waits for it). */
export function loadSession(): Promise<void> {
  loading ??= Promise.all([
    fetchMe().catch((e) => {
      console.error(e)
      return null
    }),
    accountsApi.config().catch(() => ({ public_map: false })),
  ]).then(([m, cfg]) => {
    setMe(m)
    publicMap.value = !!cfg?.public_map
    loaded.value = true
  })
  return loading
}

/** Ask the server again who is signed in (after a password change, or for a fresh CSRF token). */
export async function refreshSession(): Promise<Me | null> {
  const m = await fetchMe()
  setMe(m)
  return m
}

export async function signIn(username: string, password: string): Promise<Me> {
  const answer = await accountsApi.login(username, password)
  setMe(answer.user, answer.csrf_token)
  loaded.value = true
  return answer.user
}

export async function signOut(everywhere = false) {
  try {
    await accountsApi.logout(everywhere)
  } finally {
    setMe(null)
  }
}

/** Forget the user locally (the server said the session is gone). */
export function dropSession() {
  setMe(null)
}

export function currentUser(): Me | null {
  return me.value
}

export function isPublicMap(): boolean {
  return publicMap.value
}

export function useSession() {
  const can = computed(() => abilities(me.value))
  return {
    me,
    publicMap,
    loaded,
    signedIn: computed(() => !!me.value),
    role: computed(() => me.value?.role ?? null),
    can,
    canSeeApprovals: computed(() => canSeeApprovals(me.value)),
    canEditProject: (townCode: string | null | undefined) => canEditProject(me.value, townCode),
    canRestoreWithdrawn: computed(() => canRestoreWithdrawn(me.value)),
  }
}
