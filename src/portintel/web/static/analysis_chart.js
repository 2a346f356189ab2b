// The link chart: the entity's neighbourhood from /api/v1/entities/{id}/chart, drawn with the
// vendored Cytoscape.js. Everything drawn comes from the API, which answers only what the reader
// may see; this script adds no data of its own. Texts come from <template id="chart-words">.
import cytoscape from "/static/vendor/cytoscape/cytoscape.esm.min.mjs";
import { drawBig, fitBig, ringPositions } from "/static/analysis_chart_big.js";

const form = document.getElementById("chart-options");
const box = document.getElementById("chart");
const words = document.getElementById("chart-words").dataset;
const summary = document.getElementById("chart-summary");
const selection = document.getElementById("chart-selection");
const pathsBox = document.getElementById("chart-paths");
const brokerBox = document.getElementById("chart-broker-list");
const root = form.dataset.entity;
const savedId = form.dataset.saved || null;
const saveForm = document.getElementById("chart-save");
const saveStatus = document.getElementById("chart-save-status");
const floorBox = document.getElementById("chart-floor");

const SHAPES = {
  Person: "ellipse", Vessel: "round-triangle", Phone: "round-diamond", Identifier: "round-tag",
  Organization: "round-rectangle", Company: "round-rectangle", LegalEntity: "round-rectangle",
  Passport: "round-rectangle", Address: "round-pentagon",
};
const COLOURS = {
  Person: "#2f6fb0", Vessel: "#0f7a5a", Phone: "#8a5a00", Identifier: "#6b4aa0",
  Organization: "#9c3d54", Company: "#9c3d54", LegalEntity: "#9c3d54",
};
const BIG_CHART = 1000;
const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];

let cy = null;
let chart = null;
let hidden = [];
let groupCount = 0;

function csrfToken() {
  return saveForm.querySelector('input[name="csrf_token"]').value;
}

function text(tag, content, attributes = {}) {
  const element = document.createElement(tag);
  if (content !== undefined && content !== null) element.textContent = content;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function query(extra = {}) {
  const data = new FormData(form);
  const params = new URLSearchParams();
  params.set("hops", data.get("hops"));
  for (const kind of data.getAll("kind")) params.append("kind", kind);
  for (const name of ["min_grading", "max_nodes"]) if (data.get(name)) params.set(name, data.get(name));
  if (data.get("since")) params.set("since", `${data.get("since")}T00:00:00Z`);
  if (data.get("until")) params.set("until", `${data.get("until")}T23:59:59Z`);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params;
}

async function fetchJson(url, method = "GET", body = undefined) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) Object.assign(headers, { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() });
  const response = await fetch(url, {
    method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const error = (await response.json()).error;
      message = error.hint ? `${error.message}: ${error.hint}` : error.message;
    } catch { /* keep the status */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

function elementsOf(data) {
  const communities = new Set(data.nodes.map((n) => n.community));
  const nodes = data.nodes.map((node) => ({
    group: "nodes",
    data: {
      id: node.id, label: node.label, type: node.type, kind: node.kind, hop: node.hop,
      community: node.community, shape: SHAPES[node.type] || "round-rectangle",
      colour: COLOURS[node.type] || "#55606e",
      tint: PALETTE[(node.community ?? 0) % PALETTE.length],
      parent: undefined,
    },
  }));
  const edges = data.edges.map((edge) => ({
    group: "edges",
    data: { ...edge, id: edge.id, source: edge.source, target: edge.target, label: edge.label },
  }));
  return { elements: [...nodes, ...edges], communities };
}

function style() {
  return [
    { selector: "node", style: {
      label: "data(label)", shape: "data(shape)", "background-color": "data(colour)",
      color: "#1d232b", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
      "text-wrap": "ellipsis", "text-max-width": 140, width: 26, height: 26,
      "border-width": 2, "border-color": "#ffffff",
    } },
    { selector: "node[hop = 0]", style: { width: 36, height: 36, "border-color": "#1d232b", "border-width": 3 } },
    { selector: "node:locked", style: { "border-style": "double", "border-width": 5 } },
    { selector: "node.community", style: { "background-color": "data(tint)" } },
    { selector: "node.broker", style: { "border-color": "#c0392b", "border-width": 5 } },
    { selector: "node:parent", style: { "background-opacity": 0.08, label: "", "border-color": "#aab2bd", "border-width": 1 } },
    { selector: "node[group]", style: { label: "data(group)", "text-valign": "top", "font-weight": "bold", "background-color": "#f2c14e", "background-opacity": 0.15, "border-color": "#b08a1e", "border-width": 2 } },
    { selector: "edge", style: {
      width: 1.6, "line-color": "#8793a1", "target-arrow-color": "#8793a1", "curve-style": "bezier",
      label: "data(label)", "font-size": 9, color: "#55606e", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8,
    } },
    { selector: "edge[kind = 'relationship'], edge[kind = 'property']", style: { "target-arrow-shape": "triangle" } },
    { selector: "edge[kind = 'report']", style: { "line-style": "dashed" } },
    { selector: "edge[kind = 'encounter']", style: { "line-color": "#0f7a5a", width: 2.5, "line-style": "dashed" } },
    { selector: "edge[kind = 'phone'], edge[kind = 'identifier']", style: { "line-style": "dotted" } },
    { selector: ".path", style: { "line-color": "#c0392b", "target-arrow-color": "#c0392b", width: 4, "border-color": "#c0392b" } },
    { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#2f6fb0" } },
  ];
}

function bigStyle() {
  // thousands of nodes: the drawing is analysis_chart_big.js's, so the style only gives Cytoscape
  // what it needs to find what the analyst points at (node sizes; links are Cytoscape's default
  // straight "haystack" lines) and the labels a big chart shows (the root's, the chosen node's,
  // the path's and the brokers'): each rule costs time for every one of thousands of elements
  return [
    { selector: "node", style: { width: 26, height: 26 } },
    { selector: "node[hop = 0]", style: { width: 36, height: 36 } },
    { selector: "node[hop = 0], node:selected, node.path, node.broker", style: { label: "data(label)" } },
    { selector: "node[group]", style: { label: "data(group)" } },
  ];
}

function webglStyle() {
  // the drawing of big charts before analysis_chart_big.js (Cytoscape's WebGL renderer), kept
  // only so the frame-time benchmark can set both side by side (window.portintelChartRenderer)
  return [
    ...style(),
    { selector: "node", style: { label: "", "text-wrap": "none" } },
    { selector: "node[hop = 0], node:selected, node.path, node.broker", style: { label: "data(label)" } },
    { selector: "edge", style: {
      "curve-style": "straight", "line-style": "solid", label: "", "target-arrow-shape": "none", width: 1,
    } },
  ];
}

function runLayout() {
  if (!cy) return;
  const name = document.getElementById("chart-layout").value;
  if (name === "concentric" && window.portintelChartDrawing) {
    // a big chart: rings filled band by band, placed at once
    const nodes = cy.nodes("[kind]");
    const rings = ringPositions(nodes.map((node) => [node.id(), node.data("hop")]));
    nodes.positions((node) => rings.get(node.id()));
    fitBig(cy, nodes);
    return;
  }
  const options = { name, animate: false, fit: true, padding: 30 };
  if (name === "concentric") {
    options.concentric = (node) => 10 - (node.data("hop") ?? 9);
    options.levelWidth = () => 1;
  }
  if (name === "breadthfirst") options.roots = `#${CSS.escape(chart.root)}`;
  if (name === "cose") Object.assign(options, { randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90 });
  const big = Boolean(window.portintelChartDrawing);
  cy.layout({ ...options, fit: !big }).run();
  if (big) fitBig(cy, cy.nodes());
}

function describeNode(node) {
  selection.replaceChildren();
  const data = node.data();
  selection.append(text("h2", data.label));
  const facts = text("dl", null, { class: "facts" });
  for (const [term, value] of [[words.type, data.type], [words.steps, data.hop], [words.community, data.community]]) {
    facts.append(text("dt", term), text("dd", value ?? "–"));
  }
  selection.append(facts);
  const actions = text("p");
  if (data.kind === "entity") {
    actions.append(text("a", words.open, { href: `/entities/${encodeURIComponent(data.id)}` }), " ");
  }
  if (data.kind === "entity") {
    const expand = text("button", words.expand, { type: "button" });
    expand.addEventListener("click", () => expandFrom(data.id));
    actions.append(expand, " ");
  }
  const pin = text("button", node.locked() ? words.unpin : words.pin, { type: "button" });
  pin.addEventListener("click", () => { node.locked() ? node.unlock() : node.lock(); describeNode(node); });
  const hide = text("button", words.hide, { type: "button" });
  hide.addEventListener("click", () => { hidden.push(node.remove()); selection.replaceChildren(); });
  actions.append(pin, " ", hide);
  selection.append(actions);
}

function describeEdge(edge) {
  selection.replaceChildren();
  const data = edge.data();
  const ends = `${cy.getElementById(data.source).data("label")} → ${cy.getElementById(data.target).data("label")}`;
  selection.append(text("h2", data.label), text("p", ends, { class: "muted" }));
  const facts = text("dl", null, { class: "facts" });
  const day = (value) => (value ? value.slice(0, 10) : "–");
  for (const [term, value] of [
    [words.kind, data.kind], [words.grading, data.grading || "–"],
    [words.first, day(data.first_seen)], [words.last, day(data.last_seen)],
    [words.statements, data.statements.length],
  ]) facts.append(text("dt", term), text("dd", value));
  selection.append(facts);
  selection.append(text("h3", words.reports));
  const list = text("ul", null, { class: "plain evidence-reports" });
  for (const report of data.reports) {
    const item = text("li");
    item.append(text("a", report, { href: `/reports/${encodeURIComponent(report)}` }));
    list.append(item);
  }
  if (!data.reports.length) list.append(text("li", words.none, { class: "muted" }));
  selection.append(list);
  if (data.events && data.events.length) {
    selection.append(text("h3", words.encounters));
    const met = text("ul", null, { class: "plain evidence-events" });
    for (const event of data.events) {
      const place = event.lat === null ? "" : ` · ${event.lat.toFixed(3)}, ${event.lon.toFixed(3)}`;
      const span = `${event.start.slice(0, 16).replace("T", " ")} – ${event.end ? event.end.slice(0, 16).replace("T", " ") : "…"} UTC${place}`;
      const item = text("li");
      item.append(text("a", span, { href: `/api/v1/events?type=encounter&since=${encodeURIComponent(event.start)}&until=${encodeURIComponent(event.start)}`, title: event.event_id }));
      met.append(item);
    }
    selection.append(met);
  }
}

let choicesWaiting = false;

function fillPathChoices(now = false) {
  const source = document.getElementById("path-source");
  const target = document.getElementById("path-target");
  if (window.portintelChartDrawing && !now) {
    // thousands of entities: two lists of thousands of choices would hold the first picture of
    // the chart for seconds, so they are filled when the analyst first reaches for them
    choicesWaiting = true;
    const rootLabel = cy.getElementById(chart.root).data("label") || chart.root;
    source.replaceChildren(new Option(rootLabel, chart.root));
    target.replaceChildren(new Option(rootLabel, chart.root));
    return;
  }
  choicesWaiting = false;
  const keep = [source.value, target.value];
  const order = new Intl.Collator();
  const entities = cy.nodes("[kind = 'entity']").map((node) => [node.data("label") || "", node.id()]);
  entities.sort((a, b) => order.compare(a[0], b[0]));
  source.replaceChildren(...entities.map(([label, id]) => new Option(label, id)));
  target.replaceChildren(...source.cloneNode(true).children);
  if (keep[0]) source.value = keep[0];
  if (keep[1]) target.value = keep[1];
  if (!now || !keep[0]) source.value = chart.root;
}

function fillWaitingChoices() {
  if (choicesWaiting && cy) fillPathChoices(true);
}

function showBrokers() {
  brokerBox.replaceChildren();
  cy.nodes().removeClass("broker");
  if (!document.getElementById("chart-brokers").checked || !chart.brokers.length) return;
  brokerBox.append(text("h3", words.brokers));
  const list = text("ol");
  for (const broker of chart.brokers) {
    const node = cy.getElementById(broker.id);
    node.addClass("broker");
    list.append(text("li", `${node.data("label") || broker.id} (${broker.betweenness.toFixed(2)})`));
  }
  brokerBox.append(list);
}

function applyCommunities() {
  const colour = document.getElementById("chart-communities").checked;
  cy.nodes("[kind]").toggleClass("community", colour);
  const group = document.getElementById("chart-group").checked;
  cy.batch(() => {
    const communityParents = cy.nodes("[?communityGroup]");
    communityParents.children().move({ parent: null });
    communityParents.remove();
    if (!group) return;
    const free = cy.nodes("[kind]").filter((n) => n.parent().empty());
    const groups = new Set(free.map((n) => n.data("community")));
    for (const community of groups) {
      if (community === null || community === undefined) continue;
      const parent = cy.add({ group: "nodes", data: { id: `community-${community}`, communityGroup: true } });
      free.filter((n) => n.data("community") === community).move({ parent: parent.id() });
    }
  });
  runLayout();
}

function draw(data, saved = null) {
  chart = data;
  hidden = [];
  groupCount = 0;
  const { elements } = elementsOf(data);
  if (cy) cy.destroy();
  // a big chart stays interactive: analysis_chart_big.js draws it as pixels, links within a
  // time budget per frame (all of them once it stands still); a force-directed layout of
  // thousands of nodes would hold the page for minutes, so big charts open in rings by steps
  const big = data.nodes.length > BIG_CHART;
  if (big && document.getElementById("chart-layout").value === "cose") document.getElementById("chart-layout").value = "concentric";
  const options = { wheelSensitivity: 0.3, minZoom: 0.02, maxZoom: 4, renderer: { name: "canvas" } };
  const webgl = big && window.portintelChartRenderer === "webgl";
  if (webgl) {
    cy = cytoscape({
      ...options, container: box, elements, style: webglStyle(), hideEdgesOnViewport: true, hideLabelsOnViewport: true,
      pixelRatio: 1, renderer: { name: "canvas", webgl: true },
    });
  } else if (big) {
    // thousands of elements: made without a renderer or a style (each costs seconds when every
    // element is added), placed in rings, then shown; drawn by analysis_chart_big.js
    if (document.getElementById("chart-layout").value === "concentric") {
      const rings = ringPositions(data.nodes.map((node) => [node.id, node.hop]));
      for (const element of elements) if (element.group === "nodes") element.position = rings.get(element.data.id);
    }
    cy = cytoscape({
      ...options, headless: true, styleEnabled: false, renderer: { name: "null" }, elements, style: bigStyle(), pixelRatio: 1,
      layout: { name: "preset", fit: false },
    });
    cy.mount(box);
  } else {
    cy = cytoscape({ ...options, container: box, elements, style: style() });
  }
  window.portintelChartDrawing = big && !webgl ? drawBig(cy, summary) : null; // its counters, for the tests
  box.dataset.renderer = webgl ? "webgl" : big ? "pixels" : "canvas";
  box.dataset.state = data.nodes.length > 1 ? "ready" : "empty";
  summary.textContent = `${data.nodes.length} ${words.nodes}, ${data.edges.length} ${words.links}` +
    (data.truncated ? `. ${box.dataset.truncated}` : "");
  if (data.nodes.length <= 1) summary.textContent = `${summary.textContent}. ${box.dataset.empty}`;
  if (big) summary.textContent = `${summary.textContent}. ${box.dataset.big}`;
  cy.on("tap", "node[kind]", (event) => describeNode(event.target));
  cy.on("tap", "edge", (event) => describeEdge(event.target));
  if (big && !webgl && document.getElementById("chart-layout").value === "concentric") fitBig(cy, cy.nodes());
  else runLayout();
  if (saved) applySavedLayout(saved);
  fillPathChoices();
  showBrokers();
  if (document.getElementById("chart-communities").checked || document.getElementById("chart-group").checked) applyCommunities();
  window.portintelChart = cy; // for the browser tests and the frame-time benchmark
  window.portintelDraw = draw;
}

function addGroup(name, members) {
  groupCount += 1;
  const parent = cy.add({ group: "nodes", data: { id: `analyst-group-${groupCount}`, group: name } });
  members.move({ parent: parent.id() });
}

function applySavedLayout(layout) {
  cy.batch(() => {
    for (const [id, [x, y]] of Object.entries(layout.positions)) cy.getElementById(id).position({ x, y });
    for (const group of layout.groups) {
      const members = cy.collection(group.members.map((id) => cy.getElementById(id)).filter((n) => n.nonempty()));
      if (members.nonempty()) addGroup(group.name, members);
    }
    for (const id of layout.pinned) cy.getElementById(id).lock();
    for (const id of layout.hidden) {
      const node = cy.getElementById(id);
      if (node.nonempty()) hidden.push(node.remove());
    }
  });
  if (Object.keys(layout.positions).length && window.portintelChartDrawing) fitBig(cy, cy.nodes());
  else if (Object.keys(layout.positions).length) cy.fit(undefined, 30);
}

function currentLayout() {
  const positions = {};
  const pinned = [];
  cy.nodes("[kind]").forEach((node) => {
    const { x, y } = node.position();
    positions[node.id()] = [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    if (node.locked()) pinned.push(node.id());
  });
  const hiddenIds = [];
  for (const gone of hidden) gone.nodes("[kind]").forEach((node) => { hiddenIds.push(node.id()); });
  const groups = cy.nodes("[group]").map((parent) => ({ name: parent.data("group"), members: parent.children("[kind]").map((n) => n.id()) }))
    .filter((group) => group.members.length);
  return { positions, pinned, hidden: hiddenIds, groups };
}

function optionsOfForm() {
  const data = new FormData(form);
  const options = { hops: Number(data.get("hops")), kinds: data.getAll("kind"), max_nodes: Number(data.get("max_nodes") || 500) };
  if (data.get("min_grading")) options.min_grading = data.get("min_grading");
  if (data.get("since")) options.since = `${data.get("since")}T00:00:00Z`;
  if (data.get("until")) options.until = `${data.get("until")}T23:59:59Z`;
  return options;
}

function showFloor(floor, label) {
  if (!floor) { floorBox.textContent = floorBox.dataset.none; return; }
  floorBox.textContent = floorBox.dataset.template.replace("{label}", label || floor).replace("{code}", floor);
  const select = document.getElementById("save-handling");
  if (!savedId || form.dataset.mine !== "yes") select.value = floor;
}

function setExports(base) {
  for (const link of document.querySelectorAll("#chart-exports a[data-format]")) {
    link.href = `${base}${base.includes("?") ? "&" : "?"}format=${link.dataset.format}`;
  }
}

async function refreshFloor() {
  try {
    const found = await fetchJson(`/api/v1/entities/${encodeURIComponent(root)}/chart/handling?${query()}`);
    showFloor(found.floor, found.floor_label);
  } catch { /* the chart's own error is already shown */ }
}

async function saveChart(event) {
  event.preventDefault();
  const data = new FormData(saveForm);
  const mode = event.submitter ? event.submitter.value : "new";
  const body = {
    name: data.get("name"), notes: data.get("notes"), handling: data.get("handling"),
    handling_conditions: data.get("handling_conditions") || null,
    shared_with_unit: data.get("shared_with_unit") === "yes",
    shared_with: String(data.get("shared_with") || "").split(",").map((name) => name.trim()).filter(Boolean),
    layout: currentLayout(),
  };
  saveStatus.className = "";
  saveStatus.textContent = "";
  try {
    if (mode === "update" && savedId) {
      await fetchJson(`/api/v1/charts/${encodeURIComponent(savedId)}`, "PATCH", body);
      saveStatus.className = "flash ok";
      saveStatus.textContent = words.savedOk;
    } else {
      const made = await fetchJson("/api/v1/charts", "POST", { ...body, root: chart.root, options: optionsOfForm() });
      window.location.assign(`/charts/${encodeURIComponent(made.id)}`);
    }
  } catch (error) {
    saveStatus.className = "flash error"; // what was typed stays in the form
    saveStatus.textContent = error.message;
  }
}

function groupSelected() {
  const name = document.getElementById("chart-group-name").value.trim();
  const chosen = cy.nodes("[kind]:selected");
  if (!name) { summary.textContent = words.groupName; return; }
  if (chosen.empty()) { summary.textContent = words.selectFirst; return; }
  const before = chosen.parents("[group]");
  addGroup(name, chosen);
  before.filter((p) => p.children().empty()).remove();
}

function ungroupSelected() {
  const chosen = cy.nodes("[kind]:selected");
  const before = chosen.parents("[group]");
  chosen.move({ parent: null });
  before.filter((p) => p.children().empty()).remove();
}

async function load(fromSaved = false) {
  box.dataset.state = "loading";
  try {
    if (fromSaved) {
      const opened = await fetchJson(`/api/v1/charts/${encodeURIComponent(savedId)}`);
      draw(opened.chart, opened.layout);
      showFloor(opened.floor, opened.floor_label);
      setExports(`/api/v1/charts/${encodeURIComponent(savedId)}/export`);
      return;
    }
    draw(await fetchJson(`/api/v1/entities/${encodeURIComponent(root)}/chart?${query()}`));
    setExports(`/api/v1/entities/${encodeURIComponent(root)}/chart/export?${query()}`);
    refreshFloor();
  } catch (error) {
    box.dataset.state = "failed";
    summary.textContent = `${box.dataset.failed} (${error.message})`;
  }
}

async function expandFrom(id) {
  try {
    const more = await fetchJson(`/api/v1/entities/${encodeURIComponent(id)}/chart?${query({ hops: 1 })}`);
    const start = cy.getElementById(id).data("hop") ?? 0;
    const fresh = elementsOf(more).elements.filter((element) => cy.getElementById(element.data.id).empty());
    for (const element of fresh) if (element.group === "nodes") element.data.hop = start + element.data.hop;
    chart.nodes.push(...more.nodes.filter((n) => fresh.some((e) => e.data.id === n.id)));
    chart.edges.push(...more.edges.filter((e) => fresh.some((f) => f.data.id === e.id)));
    cy.add(fresh);
    summary.textContent = `${cy.nodes("[kind]").length} ${words.nodes}, ${cy.edges().length} ${words.links}`;
    runLayout();
    fillPathChoices();
  } catch (error) {
    summary.textContent = `${box.dataset.failed} (${error.message})`;
  }
}

async function findPaths(event) {
  event.preventDefault();
  const data = new FormData(event.target);
  const params = query({ source: data.get("source"), target: data.get("target"), max_length: data.get("max_length") });
  params.delete("hops");
  params.delete("max_nodes");
  pathsBox.replaceChildren();
  cy.elements().removeClass("path");
  try {
    const found = await fetchJson(`/api/v1/paths?${params}`);
    if (!found.shortest) { pathsBox.append(text("p", words.nopath, { class: "muted" })); return; }
    const label = (id) => cy.getElementById(id).data("label") || id;
    for (const id of [...found.shortest.nodes, ...found.shortest.edges]) cy.getElementById(id).addClass("path");
    pathsBox.append(text("h3", words.shortest), text("p", found.shortest.nodes.map(label).join(" → "), { id: "shortest-path" }));
    pathsBox.append(text("h3", words.paths));
    const list = text("ol", null, { id: "all-paths" });
    for (const path of found.paths) list.append(text("li", path.nodes.map(label).join(" → ")));
    pathsBox.append(list);
  } catch (error) {
    pathsBox.append(text("p", error.message, { class: "error" }));
  }
}

form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
document.getElementById("chart-layout").addEventListener("change", runLayout);
document.getElementById("chart-brokers").addEventListener("change", showBrokers);
document.getElementById("chart-communities").addEventListener("change", applyCommunities);
document.getElementById("chart-group").addEventListener("change", applyCommunities);
document.getElementById("chart-fit").addEventListener("click", () => {
  if (cy && window.portintelChartDrawing) fitBig(cy, cy.nodes());
  else if (cy) cy.fit(undefined, 30);
});
document.getElementById("chart-show-hidden").addEventListener("click", () => { for (const gone of hidden) gone.restore(); hidden = []; });
document.getElementById("chart-path").addEventListener("submit", findPaths);
for (const reach of ["pointerdown", "focusin", "keydown"]) document.getElementById("chart-path").addEventListener(reach, fillWaitingChoices);
document.getElementById("chart-group-selected").addEventListener("click", groupSelected);
document.getElementById("chart-ungroup-selected").addEventListener("click", ungroupSelected);
saveForm.addEventListener("submit", saveChart);
load(Boolean(savedId));
