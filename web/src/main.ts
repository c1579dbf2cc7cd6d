import { createApp } from 'vue'
import { ElMessage } from 'element-plus'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale } from './i18n'
import { loginLocation, setAuthHooks } from './auth'
import { currentUser, dropSession, refreshSession } from './composables/useSession'
// Element Plus components come with their CSS on demand (unplugin-vue-components); the services
// used from code (messages, message boxes, loading) need theirs here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import './styles.css'

document.documentElement.lang = currentLocale()

// The session ended on the server (expired, signed out elsewhere, password reset): sign in
// again and come back here. A write answered 202: part of it waits for approval.
let sentToLogin = false
setAuthHooks({
  unauthorized: () => {
    const here = router.currentRoute.value
    const wasSignedIn = !!currentUser()
    dropSession()
    if (here.name === 'login' || sentToLogin) return
    sentToLogin = true
    if (wasSignedIn) ElMessage({ type: 'warning', message: i18n.global.t('login.expired'), showClose: true })
    void router.replace(loginLocation(here.fullPath)).finally(() => {
      sentToLogin = false
    })
  },
  accepted: () => {
    ElMessage({ type: 'warning', message: i18n.global.t('approvals.held'), showClose: true, duration: 8000 })
  },
  refreshCsrf: async () => (await refreshSession().catch(() => null))?.csrf_token ?? null,
})

const app = createApp(App)
app.use(i18n)
app.use(router)
app.config.errorHandler = (err, _instance, info) => {
  console.error(err, info)
  void import('./errors').then(({ showError }) => showError(err))
}
app.mount('#app')
