// The timeline of entities: swim lanes drawn from the page's own list of dated facts (the
// server rendered it from one scoped read), with the zoomable SVG timeline of the vessel page.
// Choosing an item shows it and marks its row in the list; nothing is fetched.
import { Timeline, formatTime } from "/static/maritime_timeline.js";

const COLOURS = {
  report: "#2f6fb0", incident: "#b3261e", port_call: "#0f7a5a", ais_event: "#8a5a00",
  identity: "#6b4aa0", phone: "#4a5a68",
};
const MINUTE = 60e3;

const chart = document.getElementById("timeline-chart");
const selection = document.getElementById("timeline-selection");
const rows = Array.from(document.querySelectorAll("#timeline-items tbody tr"));
const state = { items: 0, lanes: 0, errors: [] };
window.portintelTimelineState = state;

function lanesOf(found) {
  const lanes = new Map();
  for (const row of found) {
    const data = row.dataset;
    if (!lanes.has(data.laneId)) lanes.set(data.laneId, { label: data.lane, items: [] });
    const start = Date.parse(data.start);
    const end = data.end ? Date.parse(data.end) : start + MINUTE;
    lanes.get(data.laneId).items.push({
      id: row.id, start: start, end: Math.max(end, start + MINUTE), colour: COLOURS[data.kind] || "#4a5a68",
      text: data.label, title: `${data.label} (${formatTime(start)})`, kind: data.kind, row: row,
    });
  }
  return Array.from(lanes.values());
}

function select(item) {
  rows.forEach((row) => row.classList.toggle("selected", row === item.row));
  const evidence = item.row.querySelector("a.evidence");
  selection.replaceChildren();
  selection.append(`${formatTime(item.start)} · ${item.row.dataset.lane} · ${item.text}`);
  if (evidence) {
    const link = document.createElement("a");
    link.href = evidence.getAttribute("href");
    link.textContent = evidence.textContent;
    selection.append(" · ", link);
  }
}

function setUp() {
  if (!rows.length) {
    chart.textContent = chart.dataset.empty;
    chart.dataset.state = "empty";
    return;
  }
  const lanes = lanesOf(rows);
  const gutter = Math.min(220, 40 + Math.max(...lanes.map((lane) => lane.label.length)) * 7);
  const timeline = new Timeline(chart, lanes, { onSelect: select, gutter: gutter });
  window.portintelTimeline = timeline;
  state.items = rows.length;
  state.lanes = lanes.length;
  document.getElementById("timeline-zoom-in").addEventListener("click", () => timeline.zoom(0.5));
  document.getElementById("timeline-zoom-out").addEventListener("click", () => timeline.zoom(2));
  document.getElementById("timeline-reset").addEventListener("click", () => timeline.reset());
  chart.dataset.state = "ready";
}

try { setUp(); } catch (error) {
  state.errors.push(String(error.message || error));
  chart.dataset.state = "failed";
}
