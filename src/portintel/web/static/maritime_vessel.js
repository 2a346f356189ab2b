// portintel: the vessel page. The small track map (the whole track, simplified by the API)
// and the timeline of identity and events, both read from the page itself: the identity
// table's rows and the events' <details> carry their times as data attributes.
import { createMap, getJSON, boundsOf } from "/static/maritime_basemap.js";
import { Timeline, formatTime } from "/static/maritime_timeline.js";

const COLOURS = {
  gap: "#b24a00", loitering: "#6b4fa0", encounter: "#a1124b", port_visit: "#1f6f3a",
  identity_change: "#8a5a00", area_entry: "#0b5cad", area_exit: "#0b5cad", implausible_jump: "#333333",
};
const IDENTITY_COLOUR = "#5b7083";
const EMPTY = { type: "FeatureCollection", features: [] };

const container = document.getElementById("vessel-map");
const summary = document.getElementById("track-summary");
const chart = document.getElementById("timeline-chart");
const map = createMap(container, { zoom: 3.5 });
const state = { trackPoints: 0, errors: [], lanes: [], bars: 0, selected: null, evidencePoints: 0 };
window.portintelVesselMap = { map: map, state: state };

function time(text) { return text ? Date.parse(text) : NaN; }

function identityLanes() {
  const lanes = new Map();
  for (const row of document.querySelectorAll("#identity tr[data-lane]")) {
    const start = time(row.dataset.first), end = time(row.dataset.last);
    if (Number.isNaN(start)) { continue; }
    const label = row.dataset.lane;
    if (!lanes.has(label)) { lanes.set(label, { label: label, items: [] }); }
    const item = {
      id: "identity-" + lanes.get(label).items.length + "-" + row.dataset.prop,
      start: start, end: Number.isNaN(end) ? start : end, colour: IDENTITY_COLOUR, text: row.dataset.value,
      title: label + ": " + row.dataset.value + " (" + row.dataset.source + "), " + formatTime(start) + " – " + formatTime(end),
      row: row,
    };
    lanes.get(label).items.push(item);
  }
  return [...lanes.values()];
}

function eventLanes() {
  const lanes = new Map();
  for (const details of document.querySelectorAll("#events details.event")) {
    const start = time(details.dataset.start);
    if (Number.isNaN(start)) { continue; }
    const end = Number.isNaN(time(details.dataset.end)) ? start : time(details.dataset.end);
    const type = details.dataset.type, label = details.dataset.label;
    if (!lanes.has(type)) { lanes.set(type, { label: label, items: [] }); }
    lanes.get(type).items.push({
      id: details.id, start: start, end: end, colour: COLOURS[type] || "#333333", text: "",
      title: label + ", " + formatTime(start) + (end !== start ? " – " + formatTime(end) : ""),
      details: details,
    });
  }
  return [...lanes.values()];
}

function showOnMap(details) {
  if (!map.getSource("evidence")) { return; }
  let points = [];
  try { points = JSON.parse(details.dataset.evidence || "[]").map((row) => [row[2], row[1]]); } catch (ignored) { points = []; }
  const lat = parseFloat(details.dataset.lat), lon = parseFloat(details.dataset.lon);
  const features = points.map((point) => ({ type: "Feature", geometry: { type: "Point", coordinates: point }, properties: { kind: "evidence" } }));
  if (!Number.isNaN(lat) && !Number.isNaN(lon)) {
    features.push({ type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: { kind: "event" } });
    points.push([lon, lat]);
  }
  map.getSource("evidence").setData({ type: "FeatureCollection", features: features });
  state.evidencePoints = features.length;
  if (points.length) { map.fitBounds(boundsOf(points), { padding: 40, maxZoom: 12, duration: 0 }); }
}

function select(item) {
  state.selected = item.id;
  if (item.details) {
    document.querySelectorAll("#events details.event[open]").forEach((other) => { if (other !== item.details) { other.open = false; } });
    item.details.open = true;
    item.details.scrollIntoView({ block: "nearest" });
    item.details.querySelector("summary").focus({ preventScroll: true });
    showOnMap(item.details);
  } else if (item.row) {
    document.querySelectorAll("#identity tr.selected").forEach((row) => row.classList.remove("selected"));
    item.row.classList.add("selected");
    item.row.scrollIntoView({ block: "nearest" });
  }
}

function setUpTimeline() {
  const lanes = [...identityLanes(), ...eventLanes()];
  state.lanes = lanes.map((lane) => lane.label);
  state.bars = lanes.reduce((n, lane) => n + lane.items.length, 0);
  if (!state.bars) {
    chart.textContent = chart.dataset.empty;
    chart.dataset.state = "empty";
    return;
  }
  const timeline = new Timeline(chart, lanes, { onSelect: select });
  window.portintelTimeline = timeline;
  document.getElementById("timeline-zoom-in").addEventListener("click", () => timeline.zoom(0.5));
  document.getElementById("timeline-zoom-out").addEventListener("click", () => timeline.zoom(2));
  document.getElementById("timeline-reset").addEventListener("click", () => timeline.reset());
  // opening an event in the list selects it on the timeline and the map as well
  for (const details of document.querySelectorAll("#events details.event")) {
    details.addEventListener("toggle", () => {
      if (details.open && state.selected !== details.id) {
        state.selected = details.id;
        timeline.select(details.id);
        showOnMap(details);
      }
    });
  }
  chart.dataset.state = "ready";
}

try { setUpTimeline(); } catch (error) { state.errors.push(String(error.message || error)); }

// a link to one event (/vessels/MMSI#event-ID, as the map's popups give) opens it
function openLinkedEvent() {
  const wanted = window.location.hash.slice(1);
  const details = wanted ? document.getElementById(wanted) : null;
  if (details && details.classList.contains("event")) {
    details.open = true;
    details.scrollIntoView({ block: "nearest" });
  }
}
openLinkedEvent();
window.addEventListener("hashchange", openLinkedEvent);

map.on("load", async () => {
  map.addSource("track", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "track", type: "line", source: "track", paint: { "line-color": "#d9480f", "line-width": 2 } });
  map.addSource("last", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "last", type: "circle", source: "last", paint: { "circle-radius": 6, "circle-color": "#10283f", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } });
  map.addSource("evidence", { type: "geojson", data: EMPTY });
  map.addLayer({
    id: "evidence", type: "circle", source: "evidence",
    paint: {
      "circle-radius": ["match", ["get", "kind"], "event", 8, 4],
      "circle-color": ["match", ["get", "kind"], "event", "#a1124b", "#ffd43b"],
      "circle-stroke-color": "#10283f", "circle-stroke-width": 1.5,
    },
  });
  try {
    const track = await getJSON("/api/v1/vessels/" + encodeURIComponent(container.dataset.vessel) + "/track?max_points=1000");
    map.getSource("track").setData(track);
    const parts = track.geometry.coordinates;
    const all = parts.flat();
    state.trackPoints = all.length;
    if (all.length) {
      map.getSource("last").setData({ type: "Feature", geometry: { type: "Point", coordinates: all[all.length - 1] }, properties: {} });
      map.fitBounds(boundsOf(all), { padding: 30, maxZoom: 11, duration: 0 });
    }
    const p = track.properties;
    summary.textContent = p.points_total + " fixes, " + p.points_kept + " drawn" + (p.tolerance_m ? " (simplified at " + p.tolerance_m + " m)" : "");
  } catch (error) {
    state.errors.push(String(error.message || error));
    summary.textContent = String(error.message || error);
  }
  const open = document.querySelector("#events details.event[open]");
  if (open) { showOnMap(open); }
  map.once("idle", () => { container.dataset.state = "ready"; });
  map.triggerRepaint();
});
