import { useI18n } from 'vue-i18n'
import * as f from '../format'
import type { Locale } from '../format'
import type { Town } from '../api/types'

/** The formatters of format.ts bound to the current UI language. */
export function useFmt() {
  const { t, te, locale } = useI18n()
  const loc = () => locale.value as Locale
  return {
    t,
    te,
    locale,
    yi: (yuan: number | null | undefined) => f.formatYi(yuan, loc()),
    wan: (yuan: number | null | undefined) => f.formatWan(yuan, loc()),
    yiNumber: f.yiNumber,
    pct: f.formatPercent,
    points: (v: number | null | undefined) => f.formatPoints(v, loc()),
    date: (d: string | null | undefined) => f.formatDate(d, loc()),
    month: (d: string | null | undefined) => f.formatMonth(d, loc()),
    dateTime: (d: string | null | undefined) => f.formatDateTime(d, loc()),
    label: (kind: string, value: string | null | undefined) => f.enumLabel(t, te, kind, value),
    msg: (m: { message?: string; message_zh?: string; message_en?: string }) => f.localMessage(loc(), m),
    /** A town's name in the UI language (a town of the list, or of the map's polygons). */
    townName: (town: Pick<Town, 'name' | 'name_hant'> | null | undefined) => {
      if (!town) return '—'
      if (loc() === 'zh-TW' && town.name_hant) return town.name_hant
      return town.name
    },
  }
}
