import { describe, expect, it } from 'vitest'
import { emptyModel, inputFromModel, modelFromProject, patchFromModel, applyPatchToModel } from './projectModel'
import type { Project } from './api/types'

const project: Project = {
  id: 5, code: 'P5', name: '特种尼龙项目', company: null, town: { code: '370481113', name: '木石镇' },
  zone: null, chain: 'chemical', total_investment_yuan: 14200000000, tier: '10b', status: 'signed',
  state: 'active', state_reason: null,
  location: { lon: 117.263806, lat: 34.98437, precision: 'exact', outside_county: false },
  address: null, responsible_unit: '市化工产业专班', responsible_leader: null, sample: true,
  milestones: {}, lists: [{ year: 2026, list: 'attracted', kind: 'implementation', build_type: 'new_start', annual_plan_yuan: 3550000000, effective_from: null, effective_to: null }],
  version: 3, created_at: '', updated_at: '', light: 'red', reasons: [],
}

describe('project form model', () => {
  it('requires name, town, chain and an investment', () => {
    const { input, errors } = inputFromModel(emptyModel())
    expect(input).toBeNull()
    expect(Object.keys(errors).sort()).toEqual(['chain', 'name', 'total_investment_yuan', 'town'])
  })

  it('sends money as integer yuan and the location with its system', () => {
    const m = emptyModel()
    Object.assign(m, { name: ' 新项目 ', town: '370481113', chain: 'lithium', investment: '12.5', unit: 'yi', lon: '117.2', lat: '35.0', crs: 'gcj02' })
    m.milestones.start.planned = '2026-12-01'
    m.lists.push({ year: '2026', list: 'county', kind: 'implementation', build_type: '', plan: '3000', planUnit: 'wan', effective_from: '', effective_to: '' })
    const { input, errors } = inputFromModel(m)
    expect(errors).toEqual({})
    expect(input).toEqual({
      name: '新项目', town: '370481113', chain: 'lithium', total_investment_yuan: 1250000000,
      location: { lon: 117.2, lat: 35.0, crs: 'gcj02' },
      milestones: { start: { planned: '2026-12-01' } },
      lists: [{ year: 2026, list: 'county', kind: 'implementation', annual_plan_yuan: 30000000 }],
    })
  })

  it('reports list errors by their API path', () => {
    const m = emptyModel()
    Object.assign(m, { name: 'x', town: '370481113', chain: 'other', investment: '1' })
    m.lists.push({ year: '2026', list: '', kind: '', build_type: '', plan: 'abc', planUnit: 'wan', effective_from: '', effective_to: '' })
    expect(inputFromModel(m).errors).toEqual({ 'lists[0].list': 'form.required', 'lists[0].annual_plan_yuan': 'form.invalidMoney' })
  })

  it('patches only what changed, with the version', () => {
    const m = modelFromProject(project)
    expect(patchFromModel(project, m).patch).toEqual({ version: 3 })
    m.name = '特种尼龙项目(二期)'
    m.investment = '150'
    m.company = '某公司'
    const { patch, changed } = patchFromModel(project, m)
    expect(changed).toEqual(['name', 'company', 'total_investment_yuan'])
    expect(patch).toEqual({ version: 3, name: '特种尼龙项目(二期)', company: '某公司', total_investment_yuan: 15000000000 })
  })

  it('sends a changed location and list', () => {
    const m = modelFromProject(project)
    m.lon = '117.3'
    m.lists[0].plan = '40000'
    const { patch } = patchFromModel(project, m)
    expect(patch?.location).toEqual({ lon: 117.3, lat: 34.98437, crs: 'wgs84' })
    expect(patch?.lists).toEqual([{ year: 2026, list: 'attracted', kind: 'implementation', build_type: 'new_start', annual_plan_yuan: 400000000 }])
  })

  it('re-applies a patch on a model', () => {
    const m = applyPatchToModel(modelFromProject(project), { name: 'N', total_investment_yuan: 100000000, company: null })
    expect([m.name, m.investment, m.unit, m.company]).toEqual(['N', '1', 'yi', ''])
  })
})
