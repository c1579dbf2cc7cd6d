import { describe, expect, it } from 'vitest'
import { isoWeek, lastCompleteWeek, recentWeeks, weekRange } from './weeks'

describe('ISO weeks', () => {
  it('numbers weeks as ISO 8601', () => {
    expect(isoWeek('2026-11-22')).toBe('2026-W47')
    expect(isoWeek('2026-11-16')).toBe('2026-W47')
    expect(isoWeek('2026-11-23')).toBe('2026-W48')
    expect(isoWeek('2021-01-03')).toBe('2020-W53')
    expect(isoWeek('2024-12-30')).toBe('2025-W01')
  })
  it('gives the Monday and Sunday of a week', () => {
    expect(weekRange('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-22' })
    expect(weekRange('2020-W53')).toEqual({ from: '2020-12-28', to: '2021-01-03' })
    expect(weekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' })
    expect(weekRange('2025-W53')).toBeNull()
    expect(weekRange('x')).toBeNull()
  })
  it('defaults to the last complete week', () => {
    expect(lastCompleteWeek('2026-11-27')).toBe('2026-W47')
    expect(recentWeeks('2026-11-27', 3)).toEqual(['2026-W47', '2026-W46', '2026-W45'])
  })
  // As the server's IsoWeek::last_complete: a week is complete on its Sunday.
  it('counts a Sunday’s own week as complete', () => {
    // Sunday 2026-11-22 ends W47 (Monday 11-16 … Sunday 11-22).
    expect(lastCompleteWeek('2026-11-22')).toBe('2026-W47')
    expect(recentWeeks('2026-11-22', 2)).toEqual(['2026-W47', '2026-W46'])
    // Sunday 2027-01-03 ends 2026-W53 (Monday 2026-12-28 … Sunday 2027-01-03).
    expect(lastCompleteWeek('2027-01-03')).toBe('2026-W53')
  })
  it('on a Monday, the week that ended the day before', () => {
    // Monday 2026-11-23 starts W48: W47 ended yesterday.
    expect(lastCompleteWeek('2026-11-23')).toBe('2026-W47')
    // Monday 2027-01-04 starts 2027-W01: 2026-W53 ended yesterday.
    expect(lastCompleteWeek('2027-01-04')).toBe('2026-W53')
    // Saturday 2026-11-28: W48 is not over yet.
    expect(lastCompleteWeek('2026-11-28')).toBe('2026-W47')
  })
})
