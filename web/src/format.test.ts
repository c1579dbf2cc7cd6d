import { describe, expect, it } from 'vitest'
import {
  formatDate, formatDateTime, formatMonth, formatPercent, formatPoints, formatWan, formatYi,
  parseMoney, ratioPercent, wanNumber, yiNumber, yuanToUnit,
} from './format'

describe('money', () => {
  it('formats 亿元 with two decimals', () => {
    expect(formatYi(1250000000)).toBe('12.50亿元')
    expect(formatYi(1250000000, 'zh-TW')).toBe('12.50億元')
    expect(formatYi(1250000000, 'en')).toBe('CNY 1.250 bn')
    expect(formatYi(0)).toBe('0.00亿元')
    expect(formatYi(451_500_000_00)).toBe('451.50亿元')
    expect(yiNumber(99_990_000)).toBe('1.00')
    expect(formatYi(null)).toBe('—')
    expect(formatYi(undefined)).toBe('—')
  })
  it('formats 万元', () => {
    expect(formatWan(105000000)).toBe('10500万元')
    expect(formatWan(105000000, 'zh-TW')).toBe('10500萬元')
    expect(formatWan(105000000, 'en')).toBe('CNY 105.00 M')
    expect(formatWan(105012345)).toBe('10501.23万元')
    expect(wanNumber(10000)).toBe('1')
    expect(formatWan(null)).toBe('—')
  })
  it('parses amounts in 亿元 / 万元 exactly into integer yuan', () => {
    expect(parseMoney('12.5', 'yi')).toBe(1250000000)
    expect(parseMoney('0.07', 'yi')).toBe(7000000)
    expect(parseMoney('10500', 'wan')).toBe(105000000)
    expect(parseMoney('1,234.5678', 'wan')).toBe(12345678)
    expect(parseMoney('１２.５', 'yi')).toBe(1250000000)
    expect(parseMoney('.5', 'yi')).toBe(50000000)
    expect(parseMoney('1.23456789', 'yi')).toBe(123456789)
    expect(parseMoney('1.234567891', 'yi')).toBeNull()
    expect(parseMoney('1.00000000', 'yi')).toBe(100000000)
    expect(parseMoney('abc', 'yi')).toBeNull()
    expect(parseMoney('-1', 'yi')).toBeNull()
    expect(parseMoney('', 'wan')).toBeNull()
    expect(parseMoney(null, 'wan')).toBeNull()
  })
  it('turns yuan back into a unit exactly', () => {
    expect(yuanToUnit(1250000000, 'yi')).toBe('12.5')
    expect(yuanToUnit(7000000, 'yi')).toBe('0.07')
    expect(yuanToUnit(105000000, 'wan')).toBe('10500')
    expect(yuanToUnit(12345678, 'wan')).toBe('1234.5678')
    expect(yuanToUnit(5, 'yuan')).toBe('5')
    expect(yuanToUnit(null, 'yi')).toBe('')
    for (const y of [1, 99, 123456789, 14200000000, 9007199254740991]) {
      expect(parseMoney(yuanToUnit(y, 'yi'), 'yi')).toBe(y)
      expect(parseMoney(yuanToUnit(y, 'wan'), 'wan')).toBe(y)
    }
  })
})

describe('percentages', () => {
  it('uses one decimal', () => {
    expect(formatPercent(83.333)).toBe('83.3%')
    expect(formatPercent(96.7)).toBe('96.7%')
    expect(formatPercent(100)).toBe('100.0%')
    expect(formatPercent(0)).toBe('0.0%')
    expect(formatPercent(null)).toBe('—')
    expect(ratioPercent(233, 241)).toBe('96.7%')
    expect(ratioPercent(1, 0)).toBe('—')
  })
  it('shows percentage points with a sign', () => {
    expect(formatPoints(18.2)).toBe('+18.2个百分点')
    expect(formatPoints(-3.04, 'en')).toBe('-3.0 pts')
    expect(formatPoints(0, 'zh-TW')).toBe('0.0個百分點')
  })
})

describe('dates', () => {
  it('formats a date per language', () => {
    expect(formatDate('2026-11-27')).toBe('2026年11月27日')
    expect(formatDate('2026-11-27', 'zh-TW')).toBe('2026年11月27日')
    expect(formatDate('2026-11-27', 'en')).toBe('2026-11-27')
    expect(formatDate(null)).toBe('—')
    expect(formatMonth('2026-03')).toBe('2026年03月')
    expect(formatMonth('2026-03', 'en')).toBe('2026-03')
  })
  it('shows instants in Beijing time', () => {
    expect(formatDateTime('2026-11-27T04:25:43.711Z')).toBe('2026年11月27日 12:25')
    expect(formatDateTime('2026-11-27T20:00:00Z', 'en')).toBe('2026-11-28 04:00')
  })
})
