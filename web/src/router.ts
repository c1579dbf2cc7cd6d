import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { loginLocation, sanitizeNext } from './auth'
import { currentUser, isPublicMap, loadSession } from './composables/useSession'
import { routeDecision, type RouteAccess } from './permissions'

declare module 'vue-router' {
  // What a route needs (see permissions.ts) and its title key.
  interface RouteMeta extends RouteAccess {
    title?: string
  }
}

// Each view is its own chunk, loaded when its route is visited.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: 'login.title', public: true } },
  { path: '/', name: 'map', component: () => import('./views/MapView.vue'), meta: { title: 'nav.map', publicMap: true } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: 'nav.dashboard' } },
  { path: '/ledger', name: 'ledger', component: () => import('./views/LedgerView.vue'), meta: { title: 'nav.ledger' } },
  { path: '/import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { title: 'nav.import', needs: 'import' } },
  { path: '/weekly', name: 'weekly', component: () => import('./views/WeeklyView.vue'), meta: { title: 'nav.weekly' } },
  { path: '/projects/new', name: 'project-new', component: () => import('./views/ProjectNewView.vue'), meta: { title: 'nav.newProject', needs: 'create' } },
  {
    path: '/projects/:id(\\d+)',
    name: 'project',
    component: () => import('./views/ProjectView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
  },
  {
    path: '/projects/:id(\\d+)/edit',
    name: 'project-edit',
    component: () => import('./views/ProjectEditView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { needs: 'edit' },
  },
  { path: '/approvals', name: 'approvals', component: () => import('./views/ApprovalsView.vue'), meta: { title: 'nav.approvals', needs: 'approvals' } },
  { path: '/admin', redirect: '/admin/users' },
  { path: '/admin/users', name: 'admin-users', component: () => import('./views/AdminUsersView.vue'), meta: { title: 'admin.users.title', needs: 'admin' } },
  { path: '/admin/tokens', name: 'admin-tokens', component: () => import('./views/AdminTokensView.vue'), meta: { title: 'admin.tokens.title', needs: 'admin' } },
  { path: '/admin/audit', name: 'admin-audit', component: () => import('./views/AdminAuditView.vue'), meta: { title: 'admin.audit.title', needs: 'admin' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior(to, from, saved) {
    if (saved) return saved
    if (to.path === from.path) return false
    return { top: 0 }
  },
})

// Signed in? Allowed? The session is loaded once, before the first page.
router.beforeEach(async (to) => {
  await loadSession()
  const me = currentUser()
  if (to.name === 'login' && me) return sanitizeNext(to.query.next)
  const d = routeDecision(to.meta, me, isPublicMap())
  if (d.ok) return true
  if (d.to === 'login') return loginLocation(to.fullPath)
  return { path: '/' }
})
