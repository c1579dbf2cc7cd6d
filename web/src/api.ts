// The keyproj HTTP API (same origin, under /api). Every call goes to this origin only.
import type {
  ApiErrorBody, CountyCollection, ErrorCode, ErrorDetail, History, ImportRefused, ImportResult, Indicators, MappingList,
  MilestoneChange, MilestoneKind, PointCollection, Project, ProjectInput, ProjectPage, ProjectPatch, PublishedWeek,
  PublishedWeeks, ReportInput, SavedMapping, ColumnMapping, StateChange, TownCollection, TownList, WeeklyReport,
} from './api/types'
import { filtersToParams, type Filters } from './filters'
import { buildImportForm, importQuery, type ImportOptions } from './importPlan'
import { csrfHeaders, isSessionLost, needsCsrf, onAccepted, onUnauthorized, refreshCsrf } from './auth'

/**
 * The body of an error answer: the API's `Error`, or, for an import commit refused because the
 * file has errors, `ImportRefused` (which carries the plan instead of details).
 */
export type ErrorAnswer = ApiErrorBody | ImportRefused

/** Whether a parsed body is an error answer (a proxy's or a crashed server's page is not). */
export function isErrorAnswer(data: unknown): data is ErrorAnswer {
  if (data === null || typeof data !== 'object') return false
  const d = data as Record<string, unknown>
  return typeof d.error === 'string' && typeof d.message === 'string'
}

/** An error answered by the API (JSON problem body), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly body: ErrorAnswer | null
  constructor(status: number, body: ErrorAnswer | null, message?: string) {
    super(message ?? body?.message ?? `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }
  /** The `ErrorCode` of an `Error` answer (none for a refused import: see `refusedImport`). */
  get code(): ErrorCode | undefined {
    const b = this.body
    return b && !isImportRefused(b) ? b.error : undefined
  }
  /** The fields at fault (none when the answer names none). */
  get details(): ErrorDetail[] {
    const b = this.body
    return b && !isImportRefused(b) && Array.isArray(b.details) ? b.details : []
  }
  /** The answer to an import commit refused because the file has errors (it carries the plan). */
  get refusedImport(): ImportRefused | null {
    const b = this.body
    return b && isImportRefused(b) ? b : null
  }
}

/** An `ImportRefused` is told from an `Error` by its plan. */
function isImportRefused(b: ErrorAnswer): b is ImportRefused {
  return 'plan' in b
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
    const err = new ApiError(res.status, isErrorAnswer(data) ? data : null)
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
  history: (id: number | string) => get<History>(`/api/projects/${encodeURIComponent(String(id))}/history`),
  createProject: (input: ProjectInput) => request<Project>('POST', '/api/projects', input),
  patchProject: (id: number, patch: ProjectPatch) => request<Project>('PATCH', `/api/projects/${id}`, patch),
  putMilestone: (id: number, kind: MilestoneKind, body: MilestoneChange) =>
    request<Project>('PUT', `/api/projects/${id}/milestones/${kind}`, body),
  addReport: (id: number, body: ReportInput) => request<Project>('POST', `/api/projects/${id}/reports`, body),
  changeState: (id: number, action: 'suspend' | 'resume' | 'withdraw', reason: string, version: number) =>
    request<Project>('POST', `/api/projects/${id}/${action}`, { reason, version } satisfies StateChange),
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
  published: () => get<PublishedWeeks>('/api/reports/weekly/published'),
  /** Spreadsheet import: a dry run (the plan) or a commit. A 422 carries the plan or the reason in its body. */
  importDryRun: (file: File, o: Omit<ImportOptions, 'dryRun' | 'validOnly'>) =>
    request<ImportResult>('POST', `/api/imports?${importQuery({ ...o, dryRun: true })}`, buildImportForm(file, file.name, o.mapping)),
  importCommit: (file: File, o: Omit<ImportOptions, 'dryRun'>) =>
    request<ImportResult>('POST', `/api/imports?${importQuery({ ...o, dryRun: false })}`, buildImportForm(file, file.name, o.mapping)),
  publish: (week: string) => request<PublishedWeek>('POST', `/api/reports/weekly/${encodeURIComponent(week)}/publish`),
}

/** Column mappings saved on the server for the import page (`/api/import-mappings`). */
export const importMappingsApi = {
  list: () => get<MappingList>('/api/import-mappings'),
  save: (name: string, mapping: ColumnMapping) =>
    request<SavedMapping>('PUT', `/api/import-mappings/${encodeURIComponent(name.trim())}`, mapping),
  remove: (name: string) => request<null>('DELETE', `/api/import-mappings/${encodeURIComponent(name)}`),
}
