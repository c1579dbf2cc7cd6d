import { computed, shallowRef } from 'vue'
import { api } from '../api'
import { showError } from '../errors'
import type { Town, TownList } from '../api/types'

// The town list (21 towns) is fetched once per page load and shared.
const list = shallowRef<TownList | null>(null)
let pending: Promise<TownList | null> | null = null

export function loadTowns(): Promise<TownList | null> {
  if (list.value) return Promise.resolve(list.value)
  pending ??= api
    .towns()
    .then((r) => (list.value = r))
    .catch((e) => {
      pending = null
      showError(e)
      return null
    })
  return pending
}

export function useTowns() {
  void loadTowns()
  const towns = computed<Town[]>(() => list.value?.items ?? [])
  const byCode = computed(() => new Map(towns.value.map((t) => [t.code, t])))
  return { towns, byCode, townList: list }
}
