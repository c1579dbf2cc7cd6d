// ISO weeks (Monday–Sunday), computed on civil dates (YYYY-MM-DD) in UTC arithmetic.

function parse(date: string): Date {
  return new Date(`${date}T00:00:00Z`)
}
function iso(d: Date): string {
  return d.toISOString().slice(0, 10)
}
function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86400000)
}

/** The ISO week of a date: "2026-W47". */
export function isoWeek(date: string): string {
  const d = parse(date)
  const day = (d.getUTCDay() + 6) % 7 // Monday = 0
  const thursday = addDays(d, 3 - day)
  const year = thursday.getUTCFullYear()
  const jan4 = new Date(Date.UTC(year, 0, 4))
  const jan4day = (jan4.getUTCDay() + 6) % 7
  const week1Monday = addDays(jan4, -jan4day)
  const week = Math.floor((thursday.getTime() - week1Monday.getTime()) / (7 * 86400000)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** Monday and Sunday of an ISO week, or null for an invalid week. */
export function weekRange(week: string): { from: string; to: string } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week)
  if (!m) return null
  const year = Number(m[1])
  const n = Number(m[2])
  const jan4 = new Date(Date.UTC(year, 0, 4))
  const monday = addDays(jan4, -((jan4.getUTCDay() + 6) % 7) + (n - 1) * 7)
  const from = iso(monday)
  if (isoWeek(from) !== week) return null
  return { from, to: iso(addDays(monday, 6)) }
}

/**
 * The last ISO week that has ended by `today`, as the server's `IsoWeek::last_complete`: on a
 * Sunday that Sunday's own week (a weekly report is as of its Sunday), on any other day the
 * week before. Six days back lands in that week: Sunday → its Monday, Saturday → last Sunday.
 */
export function lastCompleteWeek(today: string): string {
  return isoWeek(iso(addDays(parse(today), -6)))
}

/** The `count` complete weeks up to and including the last complete one, newest first. */
export function recentWeeks(today: string, count: number): string[] {
  const out: string[] = []
  let d = addDays(parse(today), -6)
  for (let i = 0; i < count; i++) {
    out.push(isoWeek(iso(d)))
    d = addDays(d, -7)
  }
  return out
}
