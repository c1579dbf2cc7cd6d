import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale } from './i18n'
// Element Plus components come with their CSS on demand (unplugin-vue-components); the services
// used from code (messages, message boxes, loading) need theirs here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import './styles.css'

document.documentElement.lang = currentLocale()

const app = createApp(App)
app.use(i18n)
app.use(router)
app.config.errorHandler = (err, _instance, info) => {
  console.error(err, info)
  void import('./errors').then(({ showError }) => showError(err))
}
app.mount('#app')
