import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { mergeQuery, parseFilters, sameFilters, type Filters } from '../filters'

/**
 * The shared filters of the map and the ledger, kept in the URL query so that a view can be
 * shared: `filters` is read from `route.query`, `setFilters` writes it back (replacing the
 * history entry, keeping the query's other keys).
 */
export function useFilters() {
  const route = useRoute()
  const router = useRouter()
  const filters = computed<Filters>(() => parseFilters(route.query))

  function setFilters(next: Filters, extraQuery: Record<string, string | undefined> = {}) {
    if (sameFilters(next, filters.value) && Object.keys(extraQuery).length === 0) return
    const query = mergeQuery(route.query, next)
    for (const [k, v] of Object.entries(extraQuery)) {
      if (v === undefined) delete query[k]
      else query[k] = v
    }
    return router.replace({ path: route.path, query, hash: route.hash })
  }

  function patchFilters(patch: Partial<Filters>) {
    const next: Filters = { ...filters.value, ...patch }
    for (const k of Object.keys(patch) as (keyof Filters)[]) {
      if (patch[k] === undefined || patch[k] === null || (patch[k] as unknown) === '') delete next[k]
    }
    return setFilters(next)
  }

  function clearFilters() {
    return setFilters({})
  }

  return { filters, setFilters, patchFilters, clearFilters }
}
