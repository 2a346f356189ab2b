// portintel: the intelligence layers of the map page, beside the AIS picture. Incidents,
// interception locations, a heat map of incidents (weighted by migrants), departure points,
// landing sites, routes and reports with a position, all from /api/v1/maps/intelligence, which
// answers only what the reader may read. A period (year, quarter, month) narrows the dates;
// the export links download what is shown. State on window.portintelMap.intel for tests.
import { maplibregl, element, getJSON, boundsOf } from "/static/maritime_basemap.js";

const EMPTY = { type: "FeatureCollection", features: [] };
const form = document.getElementById("intel-layers");
const words = document.getElementById("intel-words").dataset;
const periodSelect = document.getElementById("intel-period");
let current = EMPTY;
const state = { features: 0, counts: {}, periods: {}, unplaced: [], errors: [], layers: [] };
const KIND_COLOURS = ["match", ["get", "kind"],
  "intercepted", "#b3261e", "rescued", "#0b5cad", "capsized", "#111111", "#d97706"];
const LAYERS = {
  incidents: ["intel-incidents"],
  interceptions: ["intel-interceptions"],
  heat: ["intel-heat"],
  departures: ["intel-departures"],
  landings: ["intel-landings"],
  routes: ["intel-routes"],
  reports: ["intel-reports"],
};

function chosen() { return new FormData(form).getAll("layer"); }

function query(format) {
  const search = new URLSearchParams();
  if (format) search.set("format", format);
  const layers = new Set();
  for (const name of chosen()) {
    layers.add(name === "interceptions" || name === "heat" ? "incidents" : name);
  }
  for (const name of layers) search.append("layer", name);
  if (periodSelect.value) search.set("period", periodSelect.value);
  return search.toString();
}

function addLayers(map) {
  map.addSource("intel", { type: "geojson", data: EMPTY });
  const before = map.getLayer("track") ? "track" : undefined;
  const layer = (name) => ["==", ["get", "layer"], name];
  map.addLayer({
    id: "intel-heat", type: "heatmap", source: "intel", filter: layer("incidents"),
    paint: {
      "heatmap-weight": ["interpolate", ["linear"], ["get", "migrants"], 0, 0.1, 100, 1],
      "heatmap-radius": ["interpolate", ["linear"], ["zoom"], 3, 18, 9, 40],
      "heatmap-opacity": 0.75,
    },
  }, before);
  map.addLayer({
    id: "intel-routes", type: "line", source: "intel", filter: layer("routes"),
    paint: { "line-color": "#7c2d12", "line-width": ["interpolate", ["linear"], ["get", "incidents"], 1, 1.5, 20, 6], "line-dasharray": [3, 2] },
  }, before);
  map.addLayer({
    id: "intel-departures", type: "circle", source: "intel", filter: layer("departures"),
    paint: { "circle-radius": 8, "circle-color": "#facc15", "circle-stroke-color": "#713f12", "circle-stroke-width": 2 },
  }, before);
  map.addLayer({
    id: "intel-landings", type: "circle", source: "intel", filter: layer("landings"),
    paint: { "circle-radius": 8, "circle-color": "#16a34a", "circle-stroke-color": "#14532d", "circle-stroke-width": 2 },
  }, before);
  map.addLayer({
    id: "intel-reports", type: "circle", source: "intel", filter: layer("reports"),
    paint: { "circle-radius": 5, "circle-color": "#2f6fb0", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 },
  }, before);
  map.addLayer({
    id: "intel-incidents", type: "circle", source: "intel", filter: layer("incidents"),
    paint: { "circle-radius": 6, "circle-color": KIND_COLOURS, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 },
  }, before);
  map.addLayer({
    id: "intel-interceptions", type: "circle", source: "intel",
    filter: ["all", layer("incidents"), ["==", ["get", "interception"], true]],
    paint: { "circle-radius": 10, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#b3261e", "circle-stroke-width": 3 },
  }, before);
}

function showChosen(map) {
  const on = new Set(chosen());
  state.layers = Array.from(on);
  for (const [name, ids] of Object.entries(LAYERS)) {
    for (const id of ids) map.setLayoutProperty(id, "visibility", on.has(name) ? "visible" : "none");
  }
}

function setPeriods(periods) {
  if (periodSelect.options.length > 1) return;  // filled once: the reader's choice stays
  const years = new Map(), quarters = new Map();
  for (const [month, count] of Object.entries(periods)) {
    const year = month.slice(0, 4);
    const quarter = `${year}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
    years.set(year, (years.get(year) || 0) + count);
    quarters.set(quarter, (quarters.get(quarter) || 0) + count);
  }
  const group = (label, entries) => {
    const box = element("optgroup", null, { label: label });
    for (const [value, count] of entries) box.appendChild(element("option", `${value} (${count})`, { value: value }));
    periodSelect.appendChild(box);
  };
  group(words.year, years);
  group(words.quarter, quarters);
  group(words.month, Object.entries(periods));
}

function popup(map, feature, lngLat) {
  const p = feature.properties;
  const nodes = [element("strong", p.name)];
  if (p.when) nodes.push(element("div", p.when.replace("T", " ").slice(0, 16) + " UTC"));
  if (p.incidents) nodes.push(element("div", `${p.incidents} ${words.incidents}, ${p.migrants} ${words.migrants}`));
  if (p.link) nodes.push(element("a", `${words.evidence} ${p.report_id || p.id}`, { href: p.link }));
  const box = element("div", null, { class: "map-popup" });
  nodes.forEach((node) => box.appendChild(node));
  new maplibregl.Popup({ closeButton: true, maxWidth: "18rem" }).setLngLat(lngLat).setDOMContent(box).addTo(map);
}

async function load(map) {
  form.dataset.state = "loading";
  try {
    const data = await getJSON("/api/v1/maps/intelligence?" + query());
    current = data;
    map.getSource("intel").setData(data);
    state.features = data.features.length;
    state.counts = data.counts;
    state.unplaced = data.unplaced;
    state.periods = data.periods;
    setPeriods(data.periods);
    const interceptions = data.features.filter((f) => f.properties.interception).length;
    for (const name of Object.keys(LAYERS)) {
      const count = name === "interceptions" ? interceptions : name === "heat" ? (data.counts.incidents || 0) : data.counts[name];
      document.getElementById(`count-intel-${name}`).textContent = count === undefined ? "–" : String(count);
    }
    document.getElementById("intel-unplaced").textContent = data.unplaced.length ? `${words.unplaced} ${data.unplaced.join(", ")}` : "";
    for (const format of ["geojson", "kml"]) {
      document.getElementById(`intel-export-${format}`).href = "/api/v1/maps/intelligence/export?" + query(format);
    }
    showChosen(map);
  } catch (error) {
    state.errors.push(String(error.message || error));
  }
  form.dataset.state = "ready";
}

function fitTo(map, layerName) {
  const points = current.features
    .filter((f) => f.properties.layer === layerName && f.geometry.type === "Point")
    .map((f) => f.geometry.coordinates);
  if (points.length) map.fitBounds(boundsOf(points), { padding: 40, maxZoom: 9, duration: 0 });
}

function setUp(map) {
  addLayers(map);
  form.addEventListener("change", () => load(map));
  form.addEventListener("submit", (event) => { event.preventDefault(); load(map); });
  for (const id of Object.values(LAYERS).flat()) {
    if (id === "intel-heat") continue;
    map.on("click", id, (event) => popup(map, event.features[0], event.lngLat));
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  }
  window.portintelMap.intel = { state: state, reload: () => load(map), fitTo: (name) => fitTo(map, name) };
  load(map);
}

const map = window.portintelMap && window.portintelMap.map;
if (map) {
  if (map.loaded() && map.isStyleLoaded()) setUp(map); else map.once("load", () => setUp(map));
} else {
  state.errors.push("the map did not start");
}
