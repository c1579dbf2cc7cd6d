import { describe, expect, it } from 'vitest'
import { isFullPoint } from './points'
import type { PointProps, PublicPointProps } from '../api/types'

const publicPoint: PublicPointProps = {
  id: 7, name: '锂电池项目', tier: '1b', chain: 'lithium', town: '370481113', town_name: '木石镇', status: 'signed',
}
const fullPoint: PointProps = {
  ...publicPoint, code: 'P7', company: null, total_investment_yuan: 1_200_000_000, location_precision: 'town',
  light: 'yellow', reasons: [],
}

describe('map points', () => {
  it('tells a signed-in caller’s point from a public one', () => {
    expect(isFullPoint(fullPoint)).toBe(true)
    expect(isFullPoint(publicPoint)).toBe(false)
  })
})
