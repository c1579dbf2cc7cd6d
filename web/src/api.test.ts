import { describe, expect, it } from 'vitest'
import { ApiError, isErrorAnswer } from './api'
import type { ApiErrorBody, ImportPlan, ImportRefused } from './api/types'

const plan: ImportPlan = {
  file: 'a.csv', sheet: 'a', header_row: 1, rows_read: 2,
  create: [], update: [], unchanged: [], duplicates: [], skipped: [],
  errors: [{ row: 2, column: '总投资', value: 'x', message_zh: '金额无效', message_en: 'invalid amount' }],
  unmapped_columns: [],
}

describe('error answers', () => {
  it('an Error: its code and the fields at fault', () => {
    const body: ApiErrorBody = {
      error: 'validation_failed', message: '输入有误 / invalid input', message_zh: '输入有误', message_en: 'invalid input',
      details: [{ field: 'name', message: '必填 / required', message_zh: '必填', message_en: 'required' }],
    }
    const e = new ApiError(422, body)
    expect(e.code).toBe('validation_failed')
    expect(e.details.map((d) => d.field)).toEqual(['name'])
    expect(e.refusedImport).toBeNull()
    expect(e.message).toBe('输入有误 / invalid input')
  })

  it('a refused import: its plan, and neither an error code nor details', () => {
    const body: ImportRefused = { error: 'import_has_errors', message: '文件有错误 / the file has errors', plan }
    const e = new ApiError(422, body)
    expect(e.refusedImport?.plan.errors).toHaveLength(1)
    expect(e.code).toBeUndefined()
    expect(e.details).toEqual([])
  })

  it('tells error answers from other bodies', () => {
    expect(isErrorAnswer({ error: 'busy', message: '数据库繁忙 / busy' })).toBe(true)
    for (const other of [null, '<html>502</html>', { error: 'busy' }, { message: 'x' }, { error: 1, message: 'x' }, []]) {
      expect(isErrorAnswer(other), JSON.stringify(other)).toBe(false)
    }
    // A body that says less than the document (a proxy's, say) is read without details.
    const thin: unknown = JSON.parse('{"error": "bad_request", "message": "bad"}')
    expect(isErrorAnswer(thin) && new ApiError(400, thin).details).toEqual([])
  })

  it('a network failure has no body', () => {
    const e = new ApiError(0, null, 'offline')
    expect([e.code, e.details, e.refusedImport, e.message]).toEqual([undefined, [], null, 'offline'])
  })
})
