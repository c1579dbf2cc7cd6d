// Formatting of money, percentages, dates and coded values, in the three UI languages.

export type Locale = 'zh-CN' | 'zh-TW' | 'en'
export const LOCALES: readonly Locale[] = ['zh-CN', 'zh-TW', 'en']

const DASH = '—'
const YUAN_PER_YI = 100_000_000
const YUAN_PER_WAN = 10_000

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

/** 1250000000 → "12.50" (亿元, two decimals, no unit). */
export function yiNumber(yuan: number | null | undefined): string {
  if (!isNum(yuan)) return DASH
  return (yuan / YUAN_PER_YI).toFixed(2)
}

/** 1250000000 → "12.50亿元" (zh-CN), "12.50億元" (zh-TW), "CNY 1.250 bn" (en, same precision). */
export function formatYi(yuan: number | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!isNum(yuan)) return DASH
  if (locale === 'en') return `CNY ${(yuan / 1e9).toFixed(3)} bn`
  const n = yiNumber(yuan)
  return locale === 'zh-TW' ? `${n}億元` : `${n}亿元`
}

/** 105000000 → "10500" ; 105012345 → "10501.23" (万元, decimals only when not whole). */
export function wanNumber(yuan: number | null | undefined): string {
  if (!isNum(yuan)) return DASH
  if (yuan % YUAN_PER_WAN === 0) return String(yuan / YUAN_PER_WAN)
  return (yuan / YUAN_PER_WAN).toFixed(2)
}

/** 105000000 → "10500万元" (zh-CN), "10500萬元" (zh-TW), "CNY 105.00 M" (en, same precision). */
export function formatWan(yuan: number | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!isNum(yuan)) return DASH
  if (locale === 'en') return `CNY ${(yuan / 1e6).toFixed(2)} M`
  const n = wanNumber(yuan)
  return locale === 'zh-TW' ? `${n}萬元` : `${n}万元`
}

/** 83.25 → "83.3%" (the value is already a percentage). */
export function formatPercent(value: number | null | undefined): string {
  if (!isNum(value)) return DASH
  return `${value.toFixed(1)}%`
}

/** count / of → "97.2%"; "—" when of is 0. */
export function ratioPercent(count: number, of: number): string {
  if (!of) return DASH
  return formatPercent((count / of) * 100)
}

/** Percentage points with a sign: 2.04 → "+2.0个百分点" / "+2.0 pts". */
export function formatPoints(value: number | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!isNum(value)) return DASH
  const s = `${value > 0 ? '+' : ''}${value.toFixed(1)}`
  if (locale === 'en') return `${s} pts`
  if (locale === 'zh-TW') return `${s}個百分點`
  return `${s}个百分点`
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})/

/** "2026-11-27" → "2026年11月27日" (Chinese) or "2026-11-27" (English). */
export function formatDate(date: string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!date) return DASH
  const m = DATE_RE.exec(date)
  if (!m) return date
  const [, y, mo, d] = m
  if (locale === 'en') return `${y}-${mo}-${d}`
  return `${y}年${mo}月${d}日`
}

/** "2026-11" → "2026年11月" / "2026-11". */
export function formatMonth(period: string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!period) return DASH
  const m = /^(\d{4})-(\d{2})$/.exec(period)
  if (!m) return period
  return locale === 'en' ? period : `${m[1]}年${m[2]}月`
}

/** An RFC 3339 instant shown as Beijing time (UTC+8, no daylight saving): "2026年11月27日 12:25". */
export function formatDateTime(instant: string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!instant) return DASH
  const ms = Date.parse(instant)
  if (Number.isNaN(ms)) return instant
  const bj = new Date(ms + 8 * 3600 * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${bj.getUTCFullYear()}-${pad(bj.getUTCMonth() + 1)}-${pad(bj.getUTCDate())}`
  return `${formatDate(date, locale)} ${pad(bj.getUTCHours())}:${pad(bj.getUTCMinutes())}`
}

/** Today in Asia/Shanghai as YYYY-MM-DD. */
export function todayShanghai(now: Date = new Date()): string {
  const bj = new Date(now.getTime() + 8 * 3600 * 1000)
  return bj.toISOString().slice(0, 10)
}

export type MoneyUnit = 'yi' | 'wan' | 'yuan'
const UNIT_DIGITS: Record<MoneyUnit, number> = { yi: 8, wan: 4, yuan: 0 }

/**
 * Parse an amount typed in 亿元 / 万元 / 元 into integer yuan, exactly (decimal arithmetic on
 * the digits, no floating point). Accepts full-width digits, thousands separators and spaces.
 * Returns null for anything that is not a non-negative decimal number, or that has more
 * decimals than a yuan allows.
 */
export function parseMoney(text: string | number | null | undefined, unit: MoneyUnit): number | null {
  if (text === null || text === undefined) return null
  let s = String(text)
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[．。]/g, '.')
    .replace(/[,，\s]/g, '')
  if (!/^\d+(\.\d+)?$/.test(s) && !/^\.\d+$/.test(s)) return null
  if (s.startsWith('.')) s = '0' + s
  const [int, frac = ''] = s.split('.')
  const digits = UNIT_DIGITS[unit]
  const fracTrim = frac.replace(/0+$/, '')
  if (fracTrim.length > digits) return null
  const yuan = Number(int + fracTrim.padEnd(digits, '0'))
  return Number.isSafeInteger(yuan) ? yuan : null
}

/** Integer yuan → the amount in a unit as an exact decimal string: 1250000000, 'yi' → "12.5". */
export function yuanToUnit(yuan: number | null | undefined, unit: MoneyUnit): string {
  if (!isNum(yuan)) return ''
  const digits = UNIT_DIGITS[unit]
  const neg = yuan < 0
  const s = String(Math.abs(Math.trunc(yuan))).padStart(digits + 1, '0')
  const int = s.slice(0, s.length - digits)
  const frac = digits ? s.slice(s.length - digits).replace(/0+$/, '') : ''
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '')
}

// Any translate function (vue-i18n's t / te, global or composed).
type T = (key: string) => string
type TE = (key: string) => boolean

/** A coded value's label from the i18n catalogue (enums.KIND.VALUE), or the code itself. */
export function enumLabel(t: T, te: TE, kind: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return DASH
  const key = `enums.${kind}.${value}`
  return te(key) ? t(key) : value
}

/** Pick the message of an API reason / error in the current language. */
export function localMessage(
  locale: Locale,
  m: { message?: string; message_zh?: string; message_en?: string },
): string {
  if (locale === 'en') return m.message_en || m.message || m.message_zh || ''
  return m.message_zh || m.message || m.message_en || ''
}
