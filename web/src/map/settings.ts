/** localStorage key of the optional raster basemap tile URL (empty: no basemap). */
export const BASEMAP_KEY = 'keyproj.basemap'
