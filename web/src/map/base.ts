// MapLibre set-up shared by the map page, the project page and the location picker.
// No request leaves the origin: the style has no glyphs, no sprite and no tile source unless
// an intranet raster tile URL was set (localStorage `keyproj.basemap`).
import maplibregl, { type StyleSpecification, type Map as MlMap } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import type { CountyCollection } from '../api/types'

export { maplibregl }
export type { MlMap }

import { BASEMAP_KEY } from './settings'
export { BASEMAP_KEY }
export const BACKGROUND = '#eef1f4'
/** Tengzhou, roughly: the view before the outline is loaded. */
export const COUNTY_CENTER: [number, number] = [117.17, 35.09]
export const COUNTY_BOUNDS: [[number, number], [number, number]] = [[116.93, 34.82], [117.45, 35.33]]

export function basemapUrl(): string {
  try {
    return (localStorage.getItem(BASEMAP_KEY) ?? '').trim()
  } catch {
    return ''
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** A style with a plain background and, when set, the raster basemap. */
export function baseStyle(tiles = basemapUrl()): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  }
  if (tiles) {
    style.sources.basemap = { type: 'raster', tiles: [tiles], tileSize: 256, maxzoom: 18 }
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.9 } })
  }
  return style
}

export function createMap(container: HTMLElement, opts: Partial<maplibregl.MapOptions> = {}): MlMap {
  const map = new maplibregl.Map({
    container,
    style: baseStyle(),
    center: COUNTY_CENTER,
    zoom: 9,
    minZoom: 5,
    maxZoom: 18,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    ...opts,
  })
  map.touchZoomRotate.disableRotation()
  return map
}

/** Bounds of every coordinate in a FeatureCollection (features without a geometry are skipped). */
export function bounds(fc: { features: { geometry?: { coordinates?: unknown } | null }[] }): [[number, number], [number, number]] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0])
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1])
    } else if (Array.isArray(c)) c.forEach(walk)
  }
  fc.features.forEach((f) => walk(f.geometry?.coordinates))
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null
}

/** The county outline as a source and a line layer (with its attribution). */
export function addCounty(map: MlMap, county: CountyCollection, color = '#334155', attribution = county.attribution) {
  map.addSource('county', {
    type: 'geojson',
    data: county as unknown as GeoJSON.FeatureCollection,
    // The attribution control renders HTML: the geodata attribution is escaped.
    attribution: attribution ? escapeHtml(attribution) : undefined,
  })
  map.addLayer({ id: 'county-line', type: 'line', source: 'county', paint: { 'line-color': color, 'line-width': 2 } })
}

/** Resolve once the style is loaded (immediately if it already is). */
export function whenLoaded(map: MlMap): Promise<void> {
  return new Promise((resolve) => {
    if (map.loaded() || map.isStyleLoaded()) resolve()
    else map.once('load', () => resolve())
  })
}
