// @vitest-environment node
// schema.d.ts is generated from openapi.json (which a Rust test keeps equal to the server's code):
// regenerate it in memory, with the options of `npm run api-types`, and compare.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DOCUMENT, OUTPUT, REGENERATE, generateApiTypes } from '../../scripts/api-types.mjs'

/** The first line where two texts differ (1-based), with both versions of it. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n')
  const y = b.split('\n')
  const i = x.findIndex((line, n) => line !== y[n])
  const at = i < 0 ? x.length : i
  return `line ${at + 1}: checked in ${JSON.stringify(x[at])}, generated ${JSON.stringify(y[at])}`
}

describe('src/api/schema.d.ts', () => {
  it('is what openapi-typescript makes of src/api/openapi.json', async () => {
    const generated = await generateApiTypes()
    const checkedIn = readFileSync(OUTPUT, 'utf8')
    if (checkedIn !== generated) {
      expect.fail(`src/api/schema.d.ts is stale (${firstDifference(checkedIn, generated)}): run \`${REGENERATE}\` in web/ and commit it`)
    }
  }, 60_000)

  it('follows the document: a schema changed there changes the types', async () => {
    const doc = JSON.parse(readFileSync(DOCUMENT, 'utf8'))
    doc.components.schemas.Health.properties.uptime_seconds = { type: 'integer', format: 'int64' }
    doc.components.schemas.Health.required.push('uptime_seconds')
    const dir = mkdtempSync(join(tmpdir(), 'keyproj-api-types-'))
    try {
      const path = join(dir, 'openapi.json')
      writeFileSync(path, JSON.stringify(doc))
      const changed = await generateApiTypes(pathToFileURL(path))
      expect(changed).not.toBe(readFileSync(OUTPUT, 'utf8'))
      expect(changed).toMatch(/Health: \{[^}]*\buptime_seconds: number;/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
