// The map's project points: a signed-in caller gets every property, an anonymous visitor of the
// public map only name, town, chain, tier and status.
import type { MapPointProps, PointProps } from '../api/types'

/** A signed-in caller's point (company, amount, light, reasons), not a public one. */
export function isFullPoint(p: MapPointProps): p is PointProps {
  return 'light' in p
}
