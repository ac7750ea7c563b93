/** @svg-maps/sweden (CC BY 4.0, after MapSVG): the 21 counties as SVG paths. */
declare module '@svg-maps/sweden' {
  const map: {
    label: string;
    viewBox: string;
    locations: { id: string; name: string; path: string }[];
  };
  export default map;
}
