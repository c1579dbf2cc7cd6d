import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

// Each view is its own chunk, loaded when its route is visited.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'map', component: () => import('./views/MapView.vue'), meta: { title: 'nav.map' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: 'nav.dashboard' } },
  { path: '/ledger', name: 'ledger', component: () => import('./views/LedgerView.vue'), meta: { title: 'nav.ledger' } },
  { path: '/import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { title: 'nav.import' } },
  { path: '/weekly', name: 'weekly', component: () => import('./views/WeeklyView.vue'), meta: { title: 'nav.weekly' } },
  { path: '/projects/new', name: 'project-new', component: () => import('./views/ProjectNewView.vue'), meta: { title: 'nav.newProject' } },
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
  },
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
