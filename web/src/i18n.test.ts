import { describe, expect, it } from 'vitest'
import zhCN from './locales/zh-CN'
import zhTW from './locales/zh-TW'
import en from './locales/en'
import { APPROVAL_STATUSES, CHAINS, CHANGES, FACTORS, LIGHTS, LIST_LEVELS, MILESTONES, ROLES, RULES, STATUSES, TIERS } from './enums'

type Tree = { [k: string]: string | Tree }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  )
}

function leaf(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((t, k) => (t && typeof t === 'object' ? (t as Tree)[k] : undefined), tree)
}

const locales: Record<string, Tree> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en }

describe('i18n catalogues', () => {
  const all = new Set(Object.values(locales).flatMap((l) => keys(l)))

  for (const [name, tree] of Object.entries(locales)) {
    it(`${name} has every key, none empty`, () => {
      const missing = [...all].filter((k) => typeof leaf(tree, k) !== 'string')
      expect(missing).toEqual([])
      const empty = keys(tree).filter((k) => (leaf(tree, k) as string).trim() === '')
      expect(empty).toEqual([])
    })

    it(`${name} has no node that is a string in one catalogue and an object in another`, () => {
      for (const k of keys(tree)) {
        for (const other of Object.values(locales)) expect(typeof leaf(other, k)).toBe('string')
      }
    })

    it(`${name} uses the same placeholders as zh-CN`, () => {
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      for (const k of keys(zhCN)) {
        expect([k, ph(leaf(tree, k) as string)]).toEqual([k, ph(leaf(zhCN, k) as string)])
      }
    })

    it(`${name} labels every coded value`, () => {
      const kinds: [string, readonly string[]][] = [
        ['light', LIGHTS], ['tier', TIERS], ['chain', CHAINS], ['status', STATUSES], ['list', LIST_LEVELS],
        ['milestone', MILESTONES], ['factor', FACTORS], ['rule', RULES], ['change', CHANGES],
        ['role', ROLES], ['approvalStatus', APPROVAL_STATUSES],
      ]
      for (const [kind, values] of kinds) {
        for (const v of values) expect(typeof leaf(tree, `enums.${kind}.${v}`), `${kind}.${v}`).toBe('string')
      }
    })

    it(`${name} describes every role`, () => {
      for (const r of ROLES) expect(typeof leaf(tree, `admin.roleHints.${r}`), r).toBe('string')
    })

    it(`${name} has no character that vue-i18n would take as syntax`, () => {
      for (const k of keys(tree)) expect([k, /[@|$]/.test(leaf(tree, k) as string)]).toEqual([k, false])
    })
  }
})
