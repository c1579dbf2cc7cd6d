// The map page's MapLibre layers: town choropleth + seat bubbles, county outline, clustered
// project points, and town names as HTML markers (so that no glyph server is needed: the style
// has no symbol layer at all).
import type { ExpressionSpecification, GeoJSONSource, MapMouseEvent } from 'maplibre-gl'
import { maplibregl, addCounty, bounds, type MlMap } from './base'
import { LIGHT_COLORS, TIER_RADIUS, LIGHTS, TIERS } from '../enums'
import type { CountyCollection, MapPoint, MapPointProps, PointCollection, PointGeometry, TownCollection, TownProps } from '../api/types'

export type Measure = 'count' | 'investment' | 'laggards'
export const MEASURES: readonly Measure[] = ['count', 'investment', 'laggards']

const RAMPS: Record<Measure, string[]> = {
  count: ['#eaf2fb', '#c6dbef', '#6baed6', '#2171b5', '#08306b'],
  investment: ['#edf8f1', '#bfe6cd', '#74c497', '#2f9a5e', '#0b5d33'],
  laggards: ['#fff3ec', '#fcbba1', '#fb6a4a', '#cb181d', '#67000d'],
}
const BUBBLE: Record<Measure, string> = { count: '#1d4ed8', investment: '#0b7a3e', laggards: '#c81e1e' }
const EMPTY_FC = { type: 'FeatureCollection' as const, features: [] }

export function rampOf(measure: Measure): string[] {
  return RAMPS[measure]
}

/** Town values for a measure, scaled for colour (`t`, 0..1, square-root) and bubble radius (`r`). */
export function scaleTowns(
  towns: TownCollection,
  value: (p: TownProps) => number,
): { fc: TownCollection; max: number } {
  const values = towns.features.map((f) => value(f.properties))
  const max = Math.max(0, ...values)
  const fc: TownCollection = {
    ...towns,
    features: towns.features.map((f, i) => {
      const v = values[i]
      const s = max > 0 ? Math.sqrt(v / max) : 0
      return { ...f, properties: { ...f.properties, value: v, t: s, r: v > 0 ? 4 + 22 * s : 0 } }
    }),
  }
  return { fc, max }
}

/**
 * Points that share a position (projects placed at their town seat) are spread on a small
 * sunflower around it so that each can be clicked; the popup says the location is the seat.
 */
export function spreadDuplicates<F extends { geometry: PointGeometry }>(features: readonly F[]): F[] {
  const groups = new Map<string, number>()
  return features.map((f) => {
    const [lon, lat] = f.geometry.coordinates
    const key = `${lon.toFixed(6)},${lat.toFixed(6)}`
    const i = groups.get(key) ?? 0
    groups.set(key, i + 1)
    if (i === 0) return f
    const r = 0.0016 * Math.sqrt(i)
    const a = i * 2.399963
    return {
      ...f,
      geometry: { ...f.geometry, coordinates: [lon + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin(a)] },
    }
  })
}

const LIGHT_COLOR_EXPR = [
  'match', ['get', 'light'],
  ...LIGHTS.flatMap((l) => [l, LIGHT_COLORS[l]]),
  '#888888',
] as unknown as ExpressionSpecification
const TIER_RADIUS_EXPR = [
  'match', ['get', 'tier'],
  ...TIERS.flatMap((tr) => [tr, TIER_RADIUS[tr]]),
  5,
] as unknown as ExpressionSpecification

export interface ProjectMapEvents {
  onPoint: (p: MapPointProps, lngLat: [number, number]) => void
  onTown: (code: string | null) => void
}

export class ProjectMap {
  readonly map: MlMap
  private markers = new Map<string, { marker: maplibregl.Marker; el: HTMLElement; props: TownProps }>()
  /** The points drawn, by project id: a click answers with the properties as the API sent them. */
  private points = new Map<number, MapPointProps>()
  private labelFrame = 0
  private events: ProjectMapEvents

  constructor(map: MlMap, events: ProjectMapEvents) {
    this.map = map
    this.events = events
  }

  /** Sources and layers, in drawing order. Call once the style has loaded. */
  init(county: CountyCollection, attribution?: string) {
    const map = this.map
    map.addSource('towns', { type: 'geojson', data: EMPTY_FC })
    map.addSource('seats', { type: 'geojson', data: EMPTY_FC })
    map.addSource('projects', {
      type: 'geojson',
      data: EMPTY_FC,
      cluster: true,
      clusterMaxZoom: 12,
      clusterRadius: 36,
      clusterProperties: {
        red: ['+', ['case', ['==', ['get', 'light'], 'red'], 1, 0]],
        yellow: ['+', ['case', ['==', ['get', 'light'], 'yellow'], 1, 0]],
      },
    })
    map.addLayer({ id: 'towns-fill', type: 'fill', source: 'towns', paint: { 'fill-color': '#eef2f6', 'fill-opacity': 0.8 } })
    map.addLayer({
      id: 'towns-line', type: 'line', source: 'towns',
      paint: { 'line-color': '#8a97a8', 'line-width': 1, 'line-dasharray': [3, 2] },
    })
    map.addLayer({
      id: 'towns-selected', type: 'line', source: 'towns', filter: ['==', ['get', 'code'], ''],
      paint: { 'line-color': '#f59e0b', 'line-width': 3 },
    })
    addCounty(map, county, '#334155', attribution)
    map.addLayer({
      id: 'seats', type: 'circle', source: 'seats',
      paint: {
        'circle-radius': ['get', 'r'],
        'circle-color': BUBBLE.count,
        'circle-opacity': 0.22,
        'circle-stroke-color': BUBBLE.count,
        'circle-stroke-width': ['case', ['>', ['to-number', ['get', 'r'], 0], 0], 1.5, 0],
        'circle-stroke-opacity': 0.7,
      },
    })
    map.addLayer({
      id: 'clusters', type: 'circle', source: 'projects', filter: ['has', 'point_count'],
      paint: {
        // Neutral fill; the ring shows the worst light inside the cluster.
        'circle-color': '#334155',
        'circle-opacity': 0.72,
        'circle-radius': ['step', ['get', 'point_count'], 10, 5, 13, 15, 17, 40, 22, 100, 27],
        'circle-stroke-color': [
          'case',
          ['>', ['get', 'red'], 0], LIGHT_COLORS.red,
          ['>', ['get', 'yellow'], 0], LIGHT_COLORS.yellow,
          LIGHT_COLORS.green,
        ],
        'circle-stroke-width': 3,
      },
    })
    map.addLayer({
      id: 'points', type: 'circle', source: 'projects', filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': LIGHT_COLOR_EXPR,
        'circle-radius': TIER_RADIUS_EXPR,
        'circle-stroke-color': ['case', ['==', ['get', 'location_precision'], 'town'], '#475569', '#ffffff'],
        'circle-stroke-width': 1.2,
      },
    })

    const b = bounds(county)
    if (b) map.fitBounds(b, { padding: 24, duration: 0 })

    map.on('click', (e) => this.click(e))
    map.on('mousemove', (e) => {
      const hit = map.queryRenderedFeatures(e.point, { layers: ['points', 'clusters', 'towns-fill'] })
      map.getCanvas().style.cursor = hit.length ? 'pointer' : ''
    })
    map.on('move', () => this.scheduleLabels())
    map.on('resize', () => this.scheduleLabels())
  }

  private click(e: MapMouseEvent) {
    const map = this.map
    const hit = map.queryRenderedFeatures(e.point, { layers: ['points', 'clusters'] })
    const point = hit.find((f) => f.layer.id === 'points')
    // The rendered feature's properties went through the GeoJSON source (nested values come back
    // as JSON strings): the popup gets the point as loaded instead.
    const p = point ? this.points.get(Number(point.properties.id)) : undefined
    if (point && p) {
      const coords = (point.geometry as GeoJSON.Point).coordinates as [number, number]
      this.events.onPoint(p, coords)
      return
    }
    const cluster = hit.find((f) => f.layer.id === 'clusters')
    if (cluster) {
      const src = map.getSource('projects') as GeoJSONSource
      const id = cluster.properties.cluster_id as number
      void src.getClusterExpansionZoom(id).then((zoom) => {
        map.easeTo({ center: (cluster.geometry as GeoJSON.Point).coordinates as [number, number], zoom: zoom + 0.2 })
      })
      return
    }
    const town = map.queryRenderedFeatures(e.point, { layers: ['towns-fill'] })[0]
    this.events.onTown(town ? (town.properties.code as string) : null)
  }

  setTowns(fc: TownCollection, measure: Measure, max: number, showBubbles: boolean, nameOf: (p: TownProps) => string) {
    const map = this.map
    const src = map.getSource('towns') as GeoJSONSource
    const towns = fc as unknown as GeoJSON.FeatureCollection
    src.setData(towns)
    const seats = {
      type: 'FeatureCollection' as const,
      features: fc.features.map((f) => ({
        type: 'Feature' as const,
        properties: f.properties,
        geometry: { type: 'Point' as const, coordinates: [f.properties.seat_lon, f.properties.seat_lat] },
      })),
    }
    ;(map.getSource('seats') as GeoJSONSource).setData(seats as GeoJSON.FeatureCollection)
    const ramp = RAMPS[measure]
    map.setPaintProperty('towns-fill', 'fill-color', [
      'case',
      ['<=', ['to-number', ['get', 'value'], 0], 0], '#f3f4f6',
      ['interpolate', ['linear'], ['to-number', ['get', 't'], 0], 0, ramp[0], 0.25, ramp[1], 0.5, ramp[2], 0.75, ramp[3], 1, ramp[4]],
    ])
    map.setPaintProperty('seats', 'circle-color', BUBBLE[measure])
    map.setPaintProperty('seats', 'circle-stroke-color', BUBBLE[measure])
    map.setLayoutProperty('seats', 'visibility', showBubbles ? 'visible' : 'none')
    void max
    this.setLabels(fc, nameOf)
  }

  setBubbles(show: boolean) {
    this.map.setLayoutProperty('seats', 'visibility', show ? 'visible' : 'none')
  }

  setPoints(fc: PointCollection) {
    const features: readonly MapPoint[] = fc.features
    this.points = new Map(features.map((f) => [f.properties.id, f.properties]))
    const data = { ...fc, features: spreadDuplicates(features) }
    ;(this.map.getSource('projects') as GeoJSONSource).setData(data as unknown as GeoJSON.FeatureCollection)
  }

  select(code: string | null) {
    this.map.setFilter('towns-selected', ['==', ['get', 'code'], code ?? ''])
    for (const [c, m] of this.markers) m.el.classList.toggle('is-selected', c === code)
  }

  /** Town names as DOM markers (text nodes only). */
  private setLabels(fc: TownCollection, nameOf: (p: TownProps) => string) {
    const seen = new Set<string>()
    for (const f of fc.features) {
      const p = f.properties
      seen.add(p.code)
      let m = this.markers.get(p.code)
      if (!m) {
        const el = document.createElement('div')
        el.className = 'town-label'
        el.dataset.town = p.code
        el.addEventListener('click', (ev) => {
          ev.stopPropagation()
          this.events.onTown(p.code)
        })
        const marker = new maplibregl.Marker({ element: el, anchor: 'top', offset: [0, 10] })
          .setLngLat([p.seat_lon, p.seat_lat])
          .addTo(this.map)
        m = { marker, el, props: p }
        this.markers.set(p.code, m)
      }
      m.props = p
      m.el.textContent = nameOf(p)
    }
    for (const [code, m] of this.markers) {
      if (!seen.has(code)) {
        m.marker.remove()
        this.markers.delete(code)
      }
    }
    this.scheduleLabels()
  }

  relabel(nameOf: (p: TownProps) => string) {
    for (const m of this.markers.values()) m.el.textContent = nameOf(m.props)
    this.scheduleLabels()
  }

  private scheduleLabels() {
    if (this.labelFrame) return
    this.labelFrame = requestAnimationFrame(() => {
      this.labelFrame = 0
      this.placeLabels()
    })
  }

  /** Hide labels that would overlap a more important one (more projects first). */
  private placeLabels() {
    const placed: { x0: number; y0: number; x1: number; y1: number }[] = []
    const ordered = [...this.markers.values()].sort(
      (a, b) => (b.props.project_count ?? 0) - (a.props.project_count ?? 0),
    )
    for (const m of ordered) {
      const pt = this.map.project([m.props.seat_lon, m.props.seat_lat])
      const w = (m.el.textContent?.length ?? 2) * 13 + 10
      const box = { x0: pt.x - w / 2, y0: pt.y + 10, x1: pt.x + w / 2, y1: pt.y + 30 }
      const clash = placed.some((o) => box.x0 < o.x1 && box.x1 > o.x0 && box.y0 < o.y1 && box.y1 > o.y0)
      m.el.style.visibility = clash ? 'hidden' : 'visible'
      if (!clash) placed.push(box)
    }
  }

  destroy() {
    cancelAnimationFrame(this.labelFrame)
    for (const m of this.markers.values()) m.marker.remove()
    this.markers.clear()
    this.map.remove()
  }
}
