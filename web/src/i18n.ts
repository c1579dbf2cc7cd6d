import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import elZhTw from 'element-plus/es/locale/lang/zh-tw'
import elEn from 'element-plus/es/locale/lang/en'
import zhCN from './locales/zh-CN'
import zhTW from './locales/zh-TW'
import en from './locales/en'
import { LOCALES, type Locale } from './format'

export const LOCALE_STORAGE_KEY = 'keyproj.locale'

function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(LOCALE_STORAGE_KEY)
    if (v && (LOCALES as readonly string[]).includes(v)) return v as Locale
  } catch {
    /* storage unavailable: use the default */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'zh-TW': zhTW, en },
  missingWarn: false,
  fallbackWarn: false,
})

const HTML_LANG: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', en: 'en' }

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    /* not persisted */
  }
  document.documentElement.lang = HTML_LANG[locale]
}

/** Element Plus's own texts (pagination, date picker …) in the current language. */
export const elementLocale = computed(() => {
  const l = i18n.global.locale.value as Locale
  return l === 'en' ? elEn : l === 'zh-TW' ? elZhTw : elZhCn
})
