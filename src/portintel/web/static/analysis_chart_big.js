// Drawing a big link chart (thousands of nodes) fast enough to pan and zoom it on a machine
// without a graphics card. Cytoscape stays the model and handles everything the analyst does
// (choosing, dragging, pinning, box selection, layouts, events); only its drawing is replaced:
// nodes and links are written as pixels into one image (no anti-aliasing, no canvas call per
// element), labels only where they help. Links are drawn within a time budget per frame, those
// near the root first; while the chart moves the rest may be left out, and they are all drawn
// over the next frames once it stands still (the page tells the analyst so).

const FRAME_BUDGET_MS = 6; // time for links in one frame; the rest waits for the next frames
const LABELS_WHEN_FEWER = 250; // every visible node gets its label when no more are in view
const NODE_RADIUS = 13; // half of Cytoscape's node size (26), in model units
const ROOT_RADIUS = 18;

const PATTERNS = { solid: 0xffff, dashed: 0x0fff, dotted: 0x3333 }; // 16 pixels, bit on = drawn

function rgba(hex) {
  const value = Number.parseInt(String(hex || "#55606e").slice(1), 16);
  // ImageData is RGBA in memory; a little-endian Uint32 reads it as ABGR
  return ((255 << 24) | ((value & 0xff) << 16) | (value & 0xff00) | ((value >> 16) & 0xff)) >>> 0;
}

const colourCache = new Map();
function colourOf(hex) {
  let found = colourCache.get(hex);
  if (found === undefined) {
    found = rgba(hex);
    colourCache.set(hex, found);
  }
  return found;
}

const LINK = rgba("#8793a1");
const LINK_ENCOUNTER = rgba("#0f7a5a");
const PATH = rgba("#c0392b");
const CHOSEN = rgba("#2f6fb0");
const RING_ROOT = rgba("#1d232b");
const RING_BROKER = rgba("#c0392b");
const RING_PINNED = rgba("#1d232b");
const RING_PLAIN = rgba("#ffffff");
const GROUP_LINE = rgba("#aab2bd");
const GROUP_NAMED = rgba("#b08a1e");

function linkLook(kind) {
  if (kind === "encounter") return [LINK_ENCOUNTER, PATTERNS.dashed, 2];
  if (kind === "report") return [LINK, PATTERNS.dashed, 1];
  if (kind === "phone" || kind === "identifier") return [LINK, PATTERNS.dotted, 1];
  return [LINK, PATTERNS.solid, 1];
}

const SHAPES = ["round-rectangle", "ellipse", "round-triangle", "round-diamond"];

// half-widths of a node's shape, row by row, for a radius in pixels
const shapeCache = new Map();
function spans(shape, radius) {
  const key = shape * 1000 + radius;
  let found = shapeCache.get(key);
  if (found) return found;
  found = new Int16Array(2 * radius + 1);
  for (let dy = -radius; dy <= radius; dy += 1) {
    let half = radius;
    if (shape === 1) half = Math.floor(Math.sqrt(radius * radius - dy * dy) + 0.5);
    else if (shape === 3) half = radius - Math.abs(dy);
    else if (shape === 2) half = Math.floor((dy + radius) / 2);
    found[dy + radius] = half;
  }
  shapeCache.set(key, found);
  return found;
}

// Replace the drawing of Cytoscape instance `cy` by the fast one. `status` gets data-links
// "partial" while links are left out and "complete" once all are drawn (not the chart's own
// box: Cytoscape watches its attributes and redraws on every change). Returns counters.
export function drawBig(cy, status) {
  const r = cy.renderer();
  const original = r.render;
  const context = r.data.contexts[r.NODE];
  const selectBox = r.data.contexts[r.SELECT_BOX];
  let image = null;
  let pixels = null; // the picture of this frame
  let kept = null; // the links drawn so far for the current view, kept between frames
  let width = 0;
  let height = 0;
  let model = null; // nodes and links as arrays, rebuilt when elements come or go
  let looks = null; // how each node is drawn, rebuilt when a class, selection or pin changes
  let view = ""; // the view the kept links were drawn for
  let done = 0; // how many links are in `kept`
  let scheduled = false;
  let destroyed = false;
  let complete = null;
  const stats = { frames: 0, restarts: 0, linksDrawn: 0, links: 0, lastFrameMs: 0 };

  function rebuild() {
    const nodes = cy.nodes().filter((n) => !n.isParent()).toArray();
    const index = new Map();
    nodes.forEach((node, i) => { index.set(node.id(), i); });
    const hop = (i) => nodes[i].data("hop") ?? 9;
    const found = [];
    cy.edges().forEach((edge) => {
      const source = index.get(edge.data("source"));
      const target = index.get(edge.data("target"));
      if (source === undefined || target === undefined) return;
      found.push([Math.min(hop(source), hop(target)), source, target, linkLook(edge.data("kind"))]);
    });
    found.sort((a, b) => a[0] - b[0]); // near the root first: drawn first when time is short
    const count = found.length;
    model = {
      nodes, index, parents: cy.nodes(":parent").toArray(), count,
      source: new Int32Array(count), target: new Int32Array(count),
      colour: new Uint32Array(count), pattern: new Uint16Array(count), thick: new Uint8Array(count),
      xs: new Float64Array(nodes.length), ys: new Float64Array(nodes.length),
    };
    found.forEach(([, source, target, [colour, pattern, thick]], i) => {
      model.source[i] = source;
      model.target[i] = target;
      model.colour[i] = colour;
      model.pattern[i] = pattern;
      model.thick[i] = thick;
    });
    looks = null;
    view = "";
  }

  function restyle() {
    const { nodes } = model;
    const count = nodes.length;
    looks = {
      fill: new Uint32Array(count), ring: new Uint32Array(count), shape: new Uint8Array(count),
      root: new Uint8Array(count), label: new Uint8Array(count), marked: [],
    };
    for (let i = 0; i < count; i += 1) {
      const node = nodes[i];
      const data = node.data();
      let ring = RING_PLAIN;
      const path = node.hasClass("path");
      const broker = node.hasClass("broker");
      const chosen = node.selected();
      if (path) ring = PATH;
      else if (broker) ring = RING_BROKER;
      else if (chosen) ring = CHOSEN;
      else if (node.locked()) ring = RING_PINNED;
      else if (data.hop === 0) ring = RING_ROOT;
      looks.ring[i] = ring;
      looks.fill[i] = colourOf(node.hasClass("community") ? data.tint : data.colour);
      looks.shape[i] = Math.max(0, SHAPES.indexOf(data.shape));
      looks.root[i] = data.hop === 0 ? 1 : 0;
      looks.label[i] = data.hop === 0 || path || broker || chosen ? 1 : 0;
    }
    // links drawn over the others: the path, chosen links and the links of chosen nodes
    const chosenNodes = cy.nodes(":selected");
    if (chosenNodes.length && chosenNodes.length < 200) {
      chosenNodes.connectedEdges().forEach((edge) => { looks.marked.push([edge, CHOSEN, 2]); });
    }
    cy.edges(".path, :selected").forEach((edge) => {
      looks.marked.push([edge, edge.hasClass("path") ? PATH : CHOSEN, 3]);
    });
  }

  const structural = "add remove data";
  const visual = "class select unselect lock unlock style";
  const onStructure = () => { model = null; };
  const onLook = () => { looks = null; };
  cy.on(structural, onStructure);
  cy.on(visual, onLook);

  function ensureSize() {
    const ratio = r.getPixelRatio();
    if (r.prevPxRatio !== ratio || !r.canvasWidth) { // as Cytoscape's own drawing does first
      r.invalidateContainerClientCoordsCache();
      r.matchCanvasSize(r.container);
      r.prevPxRatio = ratio;
    }
    if (r.canvasWidth !== width || r.canvasHeight !== height || !image) {
      width = Math.max(1, r.canvasWidth);
      height = Math.max(1, r.canvasHeight);
      image = context.createImageData(width, height);
      offsetCache.clear();
      pixels = new Uint32Array(image.data.buffer);
      kept = new Uint32Array(pixels.length);
      view = "";
    }
  }

  function line(target, x0, y0, x1, y1, colour, pattern, thick) {
    // clip to the picture (Liang-Barsky), then step along it (Bresenham)
    let t0 = 0;
    let t1 = 1;
    const dx = x1 - x0;
    const dy = y1 - y0;
    for (let side = 0; side < 4; side += 1) {
      const p = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
      const q = side === 0 ? x0 : side === 1 ? width - 1 - x0 : side === 2 ? y0 : height - 1 - y0;
      if (p === 0) {
        if (q < 0) return;
      } else {
        const t = q / p;
        if (p < 0) {
          if (t > t1) return;
          if (t > t0) t0 = t;
        } else {
          if (t < t0) return;
          if (t < t1) t1 = t;
        }
      }
    }
    let ax = Math.round(x0 + t0 * dx);
    let ay = Math.round(y0 + t0 * dy);
    const bx = Math.round(x0 + t1 * dx);
    const by = Math.round(y0 + t1 * dy);
    const sx = ax < bx ? 1 : -1;
    const sy = ay < by ? 1 : -1;
    const ddx = Math.abs(bx - ax);
    const ddy = -Math.abs(by - ay);
    const steep = -ddy > ddx; // a thick line widens across its direction
    let error = ddx + ddy;
    let step = 0;
    for (;;) {
      if ((pattern >> (step & 15)) & 1) {
        target[ay * width + ax] = colour;
        for (let k = 1; k < thick; k += 1) {
          const off = k & 1 ? (k + 1) >> 1 : -(k >> 1);
          if (steep) {
            const x = ax + off;
            if (x >= 0 && x < width) target[ay * width + x] = colour;
          } else {
            const y = ay + off;
            if (y >= 0 && y < height) target[y * width + ax] = colour;
          }
        }
      }
      if (ax === bx && ay === by) break;
      step += 1;
      const twice = 2 * error;
      if (twice >= ddy) { error += ddy; ax += sx; }
      if (twice <= ddx) { error += ddx; ay += sy; }
    }
  }

  // the pixels of a shape as offsets from its centre, for shapes wholly inside the picture
  const offsetCache = new Map();
  function offsets(shape, radius) {
    const key = shape * 1000 + radius;
    let found = offsetCache.get(key);
    if (found) return found;
    const half = spans(shape, radius);
    const list = [];
    for (let dy = -radius; dy <= radius; dy += 1) {
      for (let dx = -half[dy + radius]; dx <= half[dy + radius]; dx += 1) list.push(dy * width + dx);
    }
    found = Int32Array.from(list);
    offsetCache.set(key, found);
    return found;
  }

  function shapeAt(shape, cx, cy0, radius, colour) {
    if (cx - radius >= 0 && cy0 - radius >= 0 && cx + radius < width && cy0 + radius < height) {
      const centre = cy0 * width + cx;
      if (radius > 8) { // wide rows: one fill a row
        const half = spans(shape, radius);
        for (let dy = -radius; dy <= radius; dy += 1) {
          const row = centre + dy * width;
          pixels.fill(colour, row - half[dy + radius], row + half[dy + radius] + 1);
        }
        return;
      }
      const list = offsets(shape, radius);
      for (let i = 0; i < list.length; i += 1) pixels[centre + list[i]] = colour;
      return;
    }
    const half = spans(shape, radius);
    const top = Math.max(-radius, -cy0);
    const bottom = Math.min(radius, height - 1 - cy0);
    for (let dy = top; dy <= bottom; dy += 1) {
      const w = half[dy + radius];
      const from = Math.max(0, cx - w);
      const to = Math.min(width - 1, cx + w);
      if (from <= to) pixels.fill(colour, (cy0 + dy) * width + from, (cy0 + dy) * width + to + 1);
    }
  }

  function outline(bb, k, px, py, colour) {
    const x0 = bb.x1 * k + px;
    const y0 = bb.y1 * k + py;
    const x1 = bb.x2 * k + px;
    const y1 = bb.y2 * k + py;
    line(pixels, x0, y0, x1, y0, colour, PATTERNS.solid, 1);
    line(pixels, x1, y0, x1, y1, colour, PATTERNS.solid, 1);
    line(pixels, x1, y1, x0, y1, colour, PATTERNS.solid, 1);
    line(pixels, x0, y1, x0, y0, colour, PATTERNS.solid, 1);
  }

  function labelAt(text, x, y) {
    const shown = text.length > 24 ? `${text.slice(0, 23)}…` : text;
    context.strokeText(shown, x, y);
    context.fillText(shown, x, y);
  }

  function frame(restart) {
    if (destroyed) return;
    const began = performance.now();
    ensureSize();
    if (!model) rebuild();
    if (!looks) restyle();
    const ratio = r.getPixelRatio();
    const k = cy.zoom() * ratio;
    const px = cy.pan().x * ratio;
    const py = cy.pan().y * ratio;
    const { nodes, xs, ys, count } = model;
    for (let i = 0; i < nodes.length; i += 1) {
      const position = nodes[i].position();
      xs[i] = position.x * k + px;
      ys[i] = position.y * k + py;
    }
    // anything Cytoscape asks to draw (a move, a change) starts the links again for this view
    const now = `${k}|${px}|${py}`;
    if (restart || now !== view) {
      kept.fill(0); // transparent: the chart's panel shows through
      done = 0;
      view = now;
      stats.restarts += 1;
    }
    const { source, target, colour, pattern, thick } = model;
    while (done < count) {
      const end = Math.min(count, done + 64);
      for (; done < end; done += 1) {
        const a = source[done];
        const b = target[done];
        line(kept, xs[a], ys[a], xs[b], ys[b], colour[done], pattern[done], thick[done]);
      }
      if (performance.now() - began > FRAME_BUDGET_MS) break;
    }
    stats.linksDrawn = done;
    stats.links = count;
    pixels.set(kept);
    for (const parent of model.parents) {
      outline(parent.boundingBox({ includeLabels: false }), k, px, py, parent.data("group") ? GROUP_NAMED : GROUP_LINE);
    }
    for (const [edge, markColour, markThick] of looks.marked) {
      const a = model.index.get(edge.data("source"));
      const b = model.index.get(edge.data("target"));
      if (a !== undefined && b !== undefined) line(pixels, xs[a], ys[a], xs[b], ys[b], markColour, PATTERNS.solid, markThick);
    }
    // the nodes, a ring around those that stand out
    const radius = Math.max(2, Math.min(40, Math.round(NODE_RADIUS * k)));
    const rootRadius = Math.max(3, Math.min(55, Math.round(ROOT_RADIUS * k)));
    const ring = radius >= 5 ? 2 : 1;
    const { fill, shape, root, label } = looks;
    const visible = [];
    for (let i = 0; i < nodes.length; i += 1) {
      const x = Math.round(xs[i]);
      const y = Math.round(ys[i]);
      if (x < -60 || y < -60 || x > width + 60 || y > height + 60) continue;
      visible.push(i);
      const size = root[i] ? rootRadius : radius;
      const edgeColour = looks.ring[i];
      const emphasised = edgeColour !== RING_PLAIN;
      if (emphasised || radius >= 4) shapeAt(shape[i], x, y, size + (emphasised ? ring + 1 : ring), edgeColour);
      shapeAt(shape[i], x, y, size, fill[i]);
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.putImageData(image, 0, 0);
    // labels: the root, what was chosen, the path and brokers; every node once few are in view
    context.font = `${Math.round(11 * ratio)}px sans-serif`;
    context.textAlign = "center";
    context.textBaseline = "top";
    context.lineWidth = 3 * ratio;
    context.lineJoin = "round";
    context.strokeStyle = "rgba(255,255,255,0.85)";
    context.fillStyle = "#1d232b";
    const everyLabel = visible.length <= LABELS_WHEN_FEWER;
    for (const i of visible) {
      if (!everyLabel && !label[i]) continue;
      const text = nodes[i].data("label");
      if (text) labelAt(text, xs[i], ys[i] + (root[i] ? rootRadius : radius) + 3 * ratio);
    }
    context.textBaseline = "bottom";
    for (const parent of model.parents) {
      const name = parent.data("group");
      if (!name) continue;
      const bb = parent.boundingBox({ includeLabels: false });
      labelAt(name, ((bb.x1 + bb.x2) / 2) * k + px, bb.y1 * k + py - 2);
    }
    // the selection rectangle while the analyst drags one (shift and drag)
    selectBox.setTransform(1, 0, 0, 1, 0, 0);
    selectBox.clearRect(0, 0, width, height);
    const chosen = r.selection;
    if (chosen && chosen[4] === 1 && (r.hoverData.selecting || r.touchData.selecting)) {
      const [x1, y1, x2, y2] = chosen;
      selectBox.fillStyle = "rgba(47,111,176,0.15)";
      selectBox.strokeStyle = "#2f6fb0";
      selectBox.fillRect(x1 * k + px, y1 * k + py, (x2 - x1) * k, (y2 - y1) * k);
      selectBox.strokeRect(x1 * k + px, y1 * k + py, (x2 - x1) * k, (y2 - y1) * k);
    }
    const finished = done >= count;
    if (finished !== complete) {
      complete = finished;
      status.dataset.links = finished ? "complete" : "partial";
    }
    stats.frames += 1;
    stats.lastFrameMs = performance.now() - began;
    if (!finished && !scheduled) {
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        frame(false);
      });
    }
  }

  r.render = function render(options) {
    if (options && options.forcedContext) return original.call(r, options); // an image of the chart
    frame(true);
    cy.emit("render");
    return undefined;
  };
  cy.one("destroy", () => {
    destroyed = true;
    cy.off(structural, onStructure);
    cy.off(visual, onLook);
  });
  r.redraw();
  return stats;
}

// Rings by steps from the root for thousands of nodes, at once: the root in the middle, each
// step a band of rings around the last, filled ring after ring (one ring per step, as
// Cytoscape's concentric layout draws, would be tens of thousands of units across).
// `items` are [id, hop]; returns a Map of id to {x, y}.
export function ringPositions(items, spacing = 40) {
  const bySteps = new Map();
  for (const [id, hop] of items) {
    const steps = hop ?? 9;
    if (!bySteps.has(steps)) bySteps.set(steps, []);
    bySteps.get(steps).push(id);
  }
  const positions = new Map();
  let radius = 0;
  for (const steps of [...bySteps.keys()].sort((a, b) => a - b)) {
    const ids = bySteps.get(steps);
    let next = 0;
    if (radius === 0 && ids.length === 1) {
      positions.set(ids[0], { x: 0, y: 0 });
      radius = spacing;
      continue;
    }
    radius += spacing * 1.5; // a gap between the bands of two steps
    while (next < ids.length) {
      const room = Math.max(1, Math.floor((2 * Math.PI * radius) / spacing));
      const here = Math.min(room, ids.length - next);
      const turn = (radius / spacing) * 0.7; // rings start at different angles: no spokes
      for (let i = 0; i < here; i += 1) {
        const angle = turn + (2 * Math.PI * i) / here;
        positions.set(ids[next + i], { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
      }
      next += here;
      if (next < ids.length) radius += spacing;
    }
  }
  return positions;
}

// Fit `nodes` into the view from their positions alone: Cytoscape's own fit measures every
// element first, seconds for thousands of them.
export function fitBig(cy, nodes, padding = 30) {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  nodes.forEach((node) => {
    const { x, y } = node.position();
    if (x < x1) x1 = x;
    if (x > x2) x2 = x;
    if (y < y1) y1 = y;
    if (y > y2) y2 = y;
  });
  if (x1 > x2) return;
  x1 -= ROOT_RADIUS;
  y1 -= ROOT_RADIUS;
  x2 += ROOT_RADIUS;
  y2 += ROOT_RADIUS;
  const width = cy.width();
  const height = cy.height();
  const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(),
    (width - 2 * padding) / Math.max(1, x2 - x1), (height - 2 * padding) / Math.max(1, y2 - y1)));
  cy.viewport({ zoom, pan: { x: width / 2 - (zoom * (x1 + x2)) / 2, y: height / 2 - (zoom * (y1 + y2)) / 2 } });
}
