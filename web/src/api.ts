// The keyproj HTTP API (same origin, under /api). Every call goes to this origin only.
import type {
  ApiErrorBody, AuditRecord, CountyCollection, Indicators, MilestoneKind, PointCollection, Project,
  ProjectInput, ProjectPage, ProjectPatch, PublishedWeek, TownCollection, TownList, WeeklyReport,
  MonthlyReport, Problem,
} from './types'
import { filtersToParams, type Filters } from './filters'
import { buildImportForm, importQuery, type CommitResult, type DryRunResult, type ImportOptions } from './importPlan'
import { csrfHeaders, isSessionLost, needsCsrf, onAccepted, onUnauthorized, refreshCsrf } from './auth'

/** An error answered by the API (JSON problem body), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly body: ApiErrorBody | null
  constructor(status: number, body: ApiErrorBody | null, message?: string) {
    super(message ?? body?.message ?? `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }
  get code(): string | undefined {
    return this.body?.error
  }
  get details() {
    return this.body?.details ?? []
  }
}

/**
 * One API call. Writes (every method but GET/HEAD) carry the session's CSRF token; a `403 csrf`
 * (the session changed in another tab) fetches a fresh token and tries once more. A 401 (the
 * session is gone) sends the user to the login page, except for the login call and `/api/me`;
 * a 202 (part of the change waits for approval) is reported to the app.
 */
export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, retried = false): Promise<T> {
  // FormData goes as multipart (the browser sets the Content-Type with its boundary).
  const form = body instanceof FormData
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined || form ? {} : { 'Content-Type': 'application/json' }),
        ...csrfHeaders(method),
      },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw new ApiError(0, null, (e as Error)?.message ?? 'network error')
  }
  const text = await res.text()
  let data: unknown = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const b = data as ApiErrorBody | null
    const err = new ApiError(res.status, b && typeof b === 'object' && 'error' in b ? { ...b, details: b.details ?? [] } : null)
    if (res.status === 403 && err.code === 'csrf' && needsCsrf(method) && !retried && (await refreshCsrf())) {
      return request<T>(method, path, body, signal, true)
    }
    if (isSessionLost(path, res.status, err.code)) onUnauthorized(path)
    throw err
  }
  if (res.status === 202) onAccepted(path, data)
  return data as T
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal)

function withParams(path: string, params: URLSearchParams): string {
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

export const api = {
  towns: () => get<TownList>('/api/towns'),
  county: (signal?: AbortSignal) => get<CountyCollection>('/api/county.geojson', signal),
  townsGeo: (f: Filters, signal?: AbortSignal) => {
    // towns.geojson takes the filters except the light.
    const { light: _light, ...rest } = f
    void _light
    return get<TownCollection>(withParams('/api/towns.geojson', filtersToParams(rest)), signal)
  },
  projectsGeo: (f: Filters, signal?: AbortSignal) =>
    get<PointCollection>(withParams('/api/projects.geojson', filtersToParams(f)), signal),
  projects: (f: Filters, limit: number, offset: number, signal?: AbortSignal) =>
    get<ProjectPage>(withParams('/api/projects', filtersToParams(f, { limit, offset })), signal),
  project: (id: number | string) => get<Project>(`/api/projects/${encodeURIComponent(String(id))}`),
  history: (id: number | string) => get<{ items: AuditRecord[] }>(`/api/projects/${encodeURIComponent(String(id))}/history`),
  createProject: (input: ProjectInput) => request<Project>('POST', '/api/projects', input),
  patchProject: (id: number, patch: ProjectPatch) => request<Project>('PATCH', `/api/projects/${id}`, patch),
  putMilestone: (
    id: number,
    kind: MilestoneKind,
    body: { planned?: string | null; actual?: string | null; reason?: string; version: number },
  ) => request<Project>('PUT', `/api/projects/${id}/milestones/${kind}`, body),
  addReport: (
    id: number,
    body: Omit<MonthlyReport, 'reported_at' | 'reported_by' | 'problems'> & { problems: Problem[]; version?: number },
  ) => request<Project>('POST', `/api/projects/${id}/reports`, body),
  changeState: (id: number, action: 'suspend' | 'resume' | 'withdraw', reason: string, version: number) =>
    request<Project>('POST', `/api/projects/${id}/${action}`, { reason, version }),
  indicators: (year: number, asOf?: string) => {
    const p = new URLSearchParams({ year: String(year) })
    if (asOf) p.set('as_of', asOf)
    return get<Indicators>(withParams('/api/indicators', p))
  },
  weekly: (week?: string) => {
    const p = new URLSearchParams()
    if (week) p.set('week', week)
    return get<WeeklyReport>(withParams('/api/reports/weekly', p))
  },
  weeklyUrl: (week: string, format: 'xlsx' | 'csv' | 'html') =>
    withParams('/api/reports/weekly', new URLSearchParams({ week, format })),
  published: () => get<{ items: PublishedWeek[] }>('/api/reports/weekly/published'),
  /** Spreadsheet import: a dry run (the plan) or a commit. A 422 carries the plan or the reason in its body. */
  importDryRun: (file: File, o: Omit<ImportOptions, 'dryRun' | 'validOnly'>) =>
    request<DryRunResult>('POST', `/api/imports?${importQuery({ ...o, dryRun: true })}`, buildImportForm(file, file.name, o.mapping)),
  importCommit: (file: File, o: Omit<ImportOptions, 'dryRun'>) =>
    request<CommitResult>('POST', `/api/imports?${importQuery({ ...o, dryRun: false })}`, buildImportForm(file, file.name, o.mapping)),
  publish: (week: string) => request<PublishedWeek>('POST', `/api/reports/weekly/${encodeURIComponent(week)}/publish`),
}

/** Column mappings saved on the server for the import page (`/api/import-mappings`). */
export const importMappingsApi = {
  list: () => get<{ items: import('./importPlan').SavedMapping[] }>('/api/import-mappings'),
  save: (name: string, mapping: import('./importPlan').SavedColumnMapping) =>
    request<import('./importPlan').SavedMapping>('PUT', `/api/import-mappings/${encodeURIComponent(name.trim())}`, mapping),
  remove: (name: string) => request<null>('DELETE', `/api/import-mappings/${encodeURIComponent(name)}`),
}
