import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { detailsByField } from '../errors'
import { localMessage, type Locale } from '../format'
import type { ErrorDetail } from '../api/types'

/**
 * Validation errors of a form, by API field path, shown in the current language (switching the
 * language re-renders them). Client-side checks use the same paths.
 */
export function useFieldErrors() {
  const { locale, t } = useI18n()
  const server = ref<Record<string, ErrorDetail[]>>({})
  const client = ref<Record<string, string>>({})

  function setServer(e: unknown) {
    server.value = detailsByField(e)
  }
  function setClient(errs: Record<string, string>) {
    client.value = errs
  }
  function clear() {
    server.value = {}
    client.value = {}
  }
  /** The message(s) for a path ('' when none). Client messages are i18n keys. */
  function err(path: string): string {
    const msgs: string[] = []
    if (client.value[path]) msgs.push(t(client.value[path]))
    for (const d of server.value[path] ?? []) msgs.push(localMessage(locale.value as Locale, d))
    return msgs.join(';')
  }
  const hasAny = computed(() => Object.keys(server.value).length > 0 || Object.keys(client.value).length > 0)
  /** Errors whose path no field of the form shows. */
  function others(shown: (path: string) => boolean): { field: string; message: string }[] {
    return Object.keys(server.value)
      .filter((k) => !shown(k))
      .map((k) => ({ field: k, message: err(k) }))
  }
  return { server, client, setServer, setClient, clear, err, hasAny, others }
}
