// portintel: the map page. Layers come from the JSON API (/api/v1/maritime/...);
// the page state is kept on window.portintelMap for tests and the console.
import { maplibregl, createMap, EVENT_COLOURS, element, getJSON, boundsOf } from "/static/maritime_basemap.js";

const EMPTY = { type: "FeatureCollection", features: [] };
const state = { vessels: 0, trackPoints: 0, events: 0, eventTypes: [], ports: 0, areas: 0, draft: [], drawing: false, errors: [] };
const container = document.getElementById("map");
const form = document.getElementById("map-filters");
const map = createMap(container);
window.portintelMap = { map: map, state: state };

function field(name) { return form.elements.namedItem(name); }
function toInput(iso) { return iso ? iso.slice(0, 16) : ""; }
function fromInput(value) { return value ? value + ":00Z" : ""; }
function setCount(id, text) { document.getElementById(id).textContent = text; }
function csrfToken() {
  const input = document.querySelector('input[name="csrf_token"]');
  return input ? input.value : "";
}

function query(parameters) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value) { search.append(key, value); }
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

function positionsToGeoJSON(columns) {
  const features = [];
  for (let i = 0; i < columns.mmsi.length; i += 1) {
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: [columns.lon[i], columns.lat[i]] },
      properties: { mmsi: columns.mmsi[i], name: columns.name[i] || "", ts: columns.ts[i], sog: columns.sog[i], cog: columns.cog[i] },
    });
  }
  return { type: "FeatureCollection", features: features };
}

function addLayers() {
  map.addSource("areas", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "areas-fill", type: "fill", source: "areas", paint: { "fill-color": "#0b5cad", "fill-opacity": 0.12 } });
  map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": "#0b5cad", "line-width": 1.5 } });
  map.addSource("draft", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "draft-line", type: "line", source: "draft", paint: { "line-color": "#a1261b", "line-width": 2, "line-dasharray": [2, 1] } });
  map.addLayer({ id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 4, "circle-color": "#a1261b" } });
  map.addSource("ports", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "ports", type: "circle", source: "ports", paint: { "circle-radius": 5, "circle-color": "#ffffff", "circle-stroke-color": "#1f6f3a", "circle-stroke-width": 2 } });
  map.addSource("track", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "track", type: "line", source: "track", paint: { "line-color": "#d9480f", "line-width": 2 } });
  map.addSource("vessels", { type: "geojson", data: EMPTY, cluster: true, clusterRadius: 40, clusterMaxZoom: 8 });
  map.addLayer({
    id: "vessel-clusters", type: "circle", source: "vessels", filter: ["has", "point_count"],
    paint: {
      "circle-color": "#0b5cad", "circle-opacity": 0.75, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
      "circle-radius": ["step", ["get", "point_count"], 10, 10, 14, 100, 19, 1000, 25],
    },
  });
  map.addLayer({
    id: "vessels", type: "circle", source: "vessels", filter: ["!", ["has", "point_count"]],
    paint: { "circle-radius": 5, "circle-color": "#10283f", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 },
  });
  map.addSource("events", { type: "geojson", data: EMPTY });
  map.addLayer({
    id: "events", type: "circle", source: "events",
    paint: { "circle-radius": 7, "circle-color": EVENT_COLOURS, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
  });
}

function popup(lngLat, nodes) {
  const box = element("div", null, { class: "map-popup" });
  nodes.forEach((node) => box.appendChild(node));
  new maplibregl.Popup({ closeButton: true, maxWidth: "18rem" }).setLngLat(lngLat).setDOMContent(box).addTo(map);
}

function vesselPopup(feature) {
  const p = feature.properties;
  const link = element("a", p.name || ("MMSI " + p.mmsi), { href: "/vessels/" + p.mmsi });
  const show = element("button", "Show track", { type: "button", class: "link" });
  show.addEventListener("click", () => { field("vessel").value = p.mmsi; refresh(); });
  popup(feature.geometry.coordinates, [
    link, element("div", "MMSI " + p.mmsi), element("div", p.ts + (p.sog !== null ? " · " + p.sog + " kn" : "")), show,
  ]);
}

function eventPopup(feature) {
  const p = feature.properties;
  const nodes = [element("strong", p.label), element("div", p.start + (p.end ? " – " + p.end : "")),
    element("a", "MMSI " + p.mmsi, { href: "/vessels/" + p.mmsi })];
  if (p.other_mmsi) { nodes.push(element("div", "with MMSI " + p.other_mmsi)); }
  if (p.event_id) {
    nodes.push(element("a", "Details and evidence", { href: "/vessels/" + p.mmsi + "#event-" + encodeURIComponent(p.event_id), class: "event-link" }));
  }
  popup(feature.geometry.coordinates, nodes);
}

function portPopup(feature) {
  const p = feature.properties;
  popup(feature.geometry.coordinates, [
    element("strong", p.name), element("div", p.kind_label + " · " + p.country),
    element("div", p.source + " (" + p.licence + ")", { class: "muted" }),
    element("a", "Details and corrections", { href: "/ports/" + encodeURIComponent(p.id) }),
  ]);
}

async function loadVessels() {
  const since = fromInput(field("since").value), until = fromInput(field("until").value);
  const data = await getJSON("/api/v1/maritime/positions/latest" + query({ since: since, until: until }));
  if (!field("since").value && data.since) { field("since").value = toInput(data.since); }
  if (!field("until").value && data.until) { field("until").value = toInput(data.until); }
  map.getSource("vessels").setData(positionsToGeoJSON(data.columns));
  state.vessels = data.count;
  setCount("count-vessels", String(data.count));
  const names = document.getElementById("vessel-names");
  names.replaceChildren(...data.columns.mmsi.map((mmsi, i) => element("option", data.columns.name[i] || "", { value: String(mmsi) })));
  return data;
}

async function loadTrack() {
  const vessel = field("vessel").value.trim();
  if (!vessel) {
    map.getSource("track").setData(EMPTY);
    state.trackPoints = 0;
    setCount("count-track", "choose a vessel");
    return;
  }
  const track = await getJSON("/api/v1/vessels/" + encodeURIComponent(vessel) + "/track" + query({
    since: fromInput(field("since").value), until: fromInput(field("until").value),
  }));
  map.getSource("track").setData(track);
  state.trackPoints = track.properties.points_kept;
  setCount("count-track", track.properties.points_kept + " of " + track.properties.points_total + " fixes");
  const all = track.geometry.coordinates.flat();
  if (all.length) { map.fitBounds(boundsOf(all), { padding: 40, maxZoom: 11, duration: 0 }); }
}

async function loadEvents() {
  const events = await getJSON("/api/v1/maritime/events" + query({
    since: fromInput(field("since").value), until: fromInput(field("until").value),
    type: field("type").value, mmsi: field("vessel").value.trim(),
  }));
  const features = events.filter((e) => e.lat !== null && e.lon !== null).map((e) => ({
    type: "Feature", geometry: { type: "Point", coordinates: [e.lon, e.lat] },
    properties: { type: e.type, label: e.label, mmsi: e.mmsi, other_mmsi: e.other_mmsi, start: e.start, end: e.end, event_id: e.event_id },
  }));
  map.getSource("events").setData({ type: "FeatureCollection", features: features });
  state.events = features.length;
  state.eventTypes = features.map((feature) => feature.properties.type);
  setCount("count-events", features.length ? String(features.length) : "none stored");
}

async function loadPorts() {
  const ports = await getJSON("/api/v1/maritime/ports");
  map.getSource("ports").setData({ type: "FeatureCollection", features: ports.map((p) => ({
    type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] },
    properties: { id: p.id, name: p.name, kind: p.kind, kind_label: p.kind_label, country: p.country, source: p.source, licence: p.licence },
  })) });
  state.ports = ports.length;
  setCount("count-ports", ports.length ? String(ports.length) : "no gazetteer installed");
}

async function loadAreas() {
  const areas = await getJSON("/api/v1/maritime/areas");
  map.getSource("areas").setData({ type: "FeatureCollection", features: areas.map((a) => ({
    type: "Feature", geometry: a.geometry, properties: { id: a.id, name: a.name, created_by: a.created_by },
  })) });
  state.areas = areas.length;
  setCount("count-areas", String(areas.length));
}

async function refresh() {
  container.dataset.state = "loading";
  try {
    await loadVessels();
    await Promise.all([loadTrack(), loadEvents()]);
  } catch (error) {
    state.errors.push(String(error.message || error));
    document.getElementById("selection").textContent = String(error.message || error);
  }
  map.once("idle", () => { container.dataset.state = "ready"; });
  map.triggerRepaint();
}

function drawDraft() {
  const features = state.draft.map((point) => ({ type: "Feature", geometry: { type: "Point", coordinates: point }, properties: {} }));
  if (state.draft.length > 1) {
    features.push({ type: "Feature", geometry: { type: "LineString", coordinates: [...state.draft, state.draft[0]] }, properties: {} });
  }
  map.getSource("draft").setData({ type: "FeatureCollection", features: features });
  document.getElementById("area-save").disabled = state.draft.length < 3;
}

function setUpDrawing() {
  const button = document.getElementById("area-draw");
  const message = document.getElementById("area-message");
  button.addEventListener("click", () => {
    state.drawing = !state.drawing;
    state.draft = [];
    drawDraft();
    button.textContent = state.drawing ? "Cancel drawing" : "Start drawing";
    map.getCanvas().style.cursor = state.drawing ? "crosshair" : "";
  });
  document.getElementById("area-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = document.getElementById("area-name").value;
    const geometry = { type: "Polygon", coordinates: [[...state.draft, state.draft[0]]] };
    const response = await fetch("/api/v1/maritime/areas", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ name: name, geometry: geometry }),
    });
    const body = await response.json();
    if (!response.ok) { message.textContent = body.error.message; return; }
    message.textContent = "Saved “" + body.name + "”.";
    state.drawing = false;
    state.draft = [];
    button.textContent = "Start drawing";
    map.getCanvas().style.cursor = "";
    drawDraft();
    await loadAreas();
  });
}

map.on("load", async () => {
  addLayers();
  setUpDrawing();
  map.on("click", (event) => {
    if (state.drawing) {
      state.draft.push([Number(event.lngLat.lng.toFixed(6)), Number(event.lngLat.lat.toFixed(6))]);
      drawDraft();
      return;
    }
    const hits = map.queryRenderedFeatures(event.point, { layers: ["events", "vessels", "vessel-clusters", "ports"] });
    if (!hits.length) { return; }
    const hit = hits[0];
    if (hit.layer.id === "events") { eventPopup(hit); }
    else if (hit.layer.id === "vessels") { vesselPopup(hit); }
    else if (hit.layer.id === "ports") { portPopup(hit); }
    else {
      map.getSource("vessels").getClusterExpansionZoom(hit.properties.cluster_id).then((zoom) => {
        map.easeTo({ center: hit.geometry.coordinates, zoom: zoom });
      });
    }
  });
  for (const layer of ["events", "vessels", "vessel-clusters", "ports"]) {
    map.on("mouseenter", layer, () => { if (!state.drawing) { map.getCanvas().style.cursor = "pointer"; } });
    map.on("mouseleave", layer, () => { if (!state.drawing) { map.getCanvas().style.cursor = ""; } });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  const wanted = new URLSearchParams(window.location.search).get("vessel");
  if (wanted) { field("vessel").value = wanted; }
  try { await Promise.all([loadPorts(), loadAreas()]); } catch (error) { state.errors.push(String(error.message || error)); }
  await refresh();
});
