// The link chart: the entity's neighbourhood from /api/v1/entities/{id}/chart, drawn with the
// vendored Cytoscape.js. Everything drawn comes from the API, which answers only what the reader
// may see; this script adds no data of its own. Texts come from <template id="chart-words">.
import cytoscape from "/static/vendor/cytoscape/cytoscape.esm.min.mjs";

const form = document.getElementById("chart-options");
const box = document.getElementById("chart");
const words = document.getElementById("chart-words").dataset;
const summary = document.getElementById("chart-summary");
const selection = document.getElementById("chart-selection");
const pathsBox = document.getElementById("chart-paths");
const brokerBox = document.getElementById("chart-broker-list");
const root = form.dataset.entity;

const SHAPES = {
  Person: "ellipse", Vessel: "round-triangle", Phone: "round-diamond", Identifier: "round-tag",
  Organization: "round-rectangle", Company: "round-rectangle", LegalEntity: "round-rectangle",
  Passport: "round-rectangle", Address: "round-pentagon",
};
const COLOURS = {
  Person: "#2f6fb0", Vessel: "#0f7a5a", Phone: "#8a5a00", Identifier: "#6b4aa0",
  Organization: "#9c3d54", Company: "#9c3d54", LegalEntity: "#9c3d54",
};
const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];

let cy = null;
let chart = null;
let hidden = [];

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

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try { message = (await response.json()).error.message; } catch { /* keep the status */ }
    throw new Error(message);
  }
  return response.json();
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
    { selector: "edge", style: {
      width: 1.6, "line-color": "#8793a1", "target-arrow-color": "#8793a1", "curve-style": "bezier",
      label: "data(label)", "font-size": 9, color: "#55606e", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8,
    } },
    { selector: "edge[kind = 'relationship'], edge[kind = 'property']", style: { "target-arrow-shape": "triangle" } },
    { selector: "edge[kind = 'report']", style: { "line-style": "dashed" } },
    { selector: "edge[kind = 'phone'], edge[kind = 'identifier']", style: { "line-style": "dotted" } },
    { selector: ".path", style: { "line-color": "#c0392b", "target-arrow-color": "#c0392b", width: 4, "border-color": "#c0392b" } },
    { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#2f6fb0" } },
  ];
}

function runLayout() {
  if (!cy) return;
  const name = document.getElementById("chart-layout").value;
  const options = { name, animate: false, fit: true, padding: 30 };
  if (name === "concentric") {
    options.concentric = (node) => 10 - (node.data("hop") ?? 9);
    options.levelWidth = () => 1;
  }
  if (name === "breadthfirst") options.roots = `#${CSS.escape(chart.root)}`;
  if (name === "cose") Object.assign(options, { randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90 });
  cy.layout(options).run();
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
}

function fillPathChoices() {
  for (const id of ["path-source", "path-target"]) {
    const select = document.getElementById(id);
    const keep = select.value;
    select.replaceChildren();
    cy.nodes("[kind = 'entity']").sort((a, b) => a.data("label").localeCompare(b.data("label"))).forEach((node) => {
      select.append(text("option", node.data("label"), { value: node.id() }));
    });
    if (keep) select.value = keep;
  }
  document.getElementById("path-source").value = chart.root;
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
    cy.nodes("[kind]").move({ parent: null });
    cy.nodes(":parent").remove();
    if (!group) return;
    const groups = new Set(cy.nodes("[kind]").map((n) => n.data("community")));
    for (const community of groups) {
      if (community === null || community === undefined) continue;
      const parent = cy.add({ group: "nodes", data: { id: `community-${community}` } });
      cy.nodes(`[community = ${community}]`).move({ parent: parent.id() });
    }
  });
  runLayout();
}

function draw(data) {
  chart = data;
  hidden = [];
  const { elements } = elementsOf(data);
  if (cy) cy.destroy();
  cy = cytoscape({ container: box, elements, style: style(), wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
  box.dataset.state = data.nodes.length > 1 ? "ready" : "empty";
  summary.textContent = `${data.nodes.length} ${words.nodes}, ${data.edges.length} ${words.links}` +
    (data.truncated ? `. ${box.dataset.truncated}` : "");
  if (data.nodes.length <= 1) summary.textContent = `${summary.textContent}. ${box.dataset.empty}`;
  cy.on("tap", "node[kind]", (event) => describeNode(event.target));
  cy.on("tap", "edge", (event) => describeEdge(event.target));
  runLayout();
  fillPathChoices();
  showBrokers();
  if (document.getElementById("chart-communities").checked || document.getElementById("chart-group").checked) applyCommunities();
  window.portintelChart = cy; // for the browser tests and the frame-time benchmark
}

async function load() {
  box.dataset.state = "loading";
  try {
    draw(await fetchJson(`/api/v1/entities/${encodeURIComponent(root)}/chart?${query()}`));
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
document.getElementById("chart-fit").addEventListener("click", () => cy && cy.fit(undefined, 30));
document.getElementById("chart-show-hidden").addEventListener("click", () => { for (const gone of hidden) gone.restore(); hidden = []; });
document.getElementById("chart-path").addEventListener("submit", findPaths);
load();
