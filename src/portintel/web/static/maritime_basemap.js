// portintel: the offline basemap both maritime widgets draw on.
// Land polygons are Natural Earth 1:50m (vendored, see static/vendor/manifest.json);
// no tile server, no glyphs, no sprite: nothing is fetched from outside this node.
import * as maplibregl from "/static/vendor/maplibre-gl/maplibre-gl.mjs";

export { maplibregl };

export const EVENT_COLOURS = [
  "match", ["get", "type"],
  "gap", "#b24a00",
  "loitering", "#6b4fa0",
  "encounter", "#a1124b",
  "port_visit", "#1f6f3a",
  "identity_change", "#8a5a00",
  "area_entry", "#0b5cad",
  "area_exit", "#0b5cad",
  "#333333",
];

export function baseStyle() {
  return {
    version: 8,
    sources: {
      land: { type: "geojson", data: "/static/vendor/world-atlas/land-50m.geojson" },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#cfe3ee" } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": "#f1efe6" } },
      { id: "coast", type: "line", source: "land", paint: { "line-color": "#9aa7b0", "line-width": 0.6 } },
    ],
  };
}

export function createMap(container, options) {
  return new maplibregl.Map({
    container: container,
    style: baseStyle(),
    center: [101.5, 10.5], // Gulf of Thailand and the Andaman Sea
    zoom: 4.2,
    attributionControl: { compact: true, customAttribution: "Natural Earth" },
    ...options,
  });
}

// Text as DOM nodes (never HTML strings): values come from AIS and reports.
export function element(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  for (const [name, value] of Object.entries(attributes || {})) { node.setAttribute(name, value); }
  return node;
}

export async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error.message; } catch (ignored) { /* keep the status */ }
    throw new Error(message);
  }
  return response.json();
}

export function boundsOf(coordinates) {
  const bounds = new maplibregl.LngLatBounds();
  coordinates.forEach((point) => bounds.extend(point));
  return bounds;
}
