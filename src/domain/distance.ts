/**
 * Distance between two places, for "where is it?" (issue 10 item 1): which locations holding a
 * product are nearest to where it is needed. Our method (docs/lagesbild.md, "Where is it?"): the
 * straight line over the earth's surface (great-circle distance by the haversine formula on a sphere
 * of the mean earth radius), not the road distance; good enough to order candidates, not to plan a
 * route.
 */

/** A point in WGS 84 decimal degrees. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** The mean radius of the earth (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

/** The great-circle distance between two points, km. */
export function straightLineKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
