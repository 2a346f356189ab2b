// portintel: a zoomable timeline in SVG (no library). Lanes of bars from start to end;
// scroll to zoom around the pointer, drag to move, buttons for keyboard users; a bar is a
// focusable button that calls onSelect(item). Text is set as DOM text, never as HTML.
const SVG = "http://www.w3.org/2000/svg";
const MINUTE = 60e3, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const STEPS = [
  MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 182 * DAY, 365 * DAY,
];
const MIN_SPAN = 10 * MINUTE;

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) { node.setAttribute(name, String(value)); }
  if (text !== undefined) { node.textContent = String(text); }
  return node;
}

function pad(n) { return String(n).padStart(2, "0"); }
function day(t) { const d = new Date(t); return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()); }
function clock(t) { const d = new Date(t); return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()); }
export function formatTime(t) { return day(t) + " " + clock(t) + " UTC"; }

export class Timeline {
  // lanes: [{ label, items: [{ id, start, end, colour, text, title }] }] with times in ms
  constructor(container, lanes, options) {
    this.container = container;
    this.lanes = lanes.filter((lane) => lane.items.length);
    this.onSelect = (options && options.onSelect) || (() => {});
    this.gutter = (options && options.gutter) || 130;
    this.laneHeight = 26;
    this.axisHeight = 34;
    const times = this.lanes.flatMap((lane) => lane.items.flatMap((item) => [item.start, item.end]));
    const first = Math.min(...times), last = Math.max(...times);
    const margin = Math.max((last - first) * 0.03, 30 * MINUTE);
    this.whole = { from: first - margin, to: last + margin };
    this.view = { ...this.whole };
    this.selected = null;
    this.svg = svg("svg", { class: "timeline-svg", role: "presentation" });
    container.replaceChildren(this.svg);
    this.listen();
    this.draw();
  }

  get width() { return Math.max(this.container.clientWidth, 320); }
  x(t) { return this.gutter + (t - this.view.from) / (this.view.to - this.view.from) * (this.width - this.gutter - 8); }
  time(x) { return this.view.from + (x - this.gutter) / (this.width - this.gutter - 8) * (this.view.to - this.view.from); }

  zoom(factor, around) {
    const span = this.view.to - this.view.from;
    const whole = this.whole.to - this.whole.from;
    const next = Math.min(Math.max(span * factor, MIN_SPAN), whole);
    const centre = around === undefined ? (this.view.from + this.view.to) / 2 : around;
    const share = (centre - this.view.from) / span;
    this.view = { from: centre - share * next, to: centre - share * next + next };
    this.clamp();
    this.draw();
  }

  pan(milliseconds) {
    this.view = { from: this.view.from + milliseconds, to: this.view.to + milliseconds };
    this.clamp();
    this.draw();
  }

  reset() { this.view = { ...this.whole }; this.draw(); }

  clamp() {
    const span = this.view.to - this.view.from;
    if (this.view.from < this.whole.from) { this.view = { from: this.whole.from, to: this.whole.from + span }; }
    if (this.view.to > this.whole.to) { this.view = { from: this.whole.to - span, to: this.whole.to }; }
  }

  select(id) {
    this.selected = id;
    this.svg.querySelectorAll(".bar").forEach((bar) => bar.classList.toggle("selected", bar.dataset.id === id));
  }

  listen() {
    this.svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = this.svg.getBoundingClientRect();
      this.zoom(event.deltaY > 0 ? 1.25 : 0.8, this.time(event.clientX - box.left));
    }, { passive: false });
    let drag = null;
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.target.classList && event.target.classList.contains("bar")) { return; }
      drag = { x: event.clientX, from: this.view.from, to: this.view.to };
      this.svg.setPointerCapture(event.pointerId);
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!drag) { return; }
      const perPixel = (drag.to - drag.from) / (this.width - this.gutter - 8);
      const shift = (drag.x - event.clientX) * perPixel;
      this.view = { from: drag.from + shift, to: drag.to + shift };
      this.clamp();
      this.draw();
    });
    const stop = () => { drag = null; };
    this.svg.addEventListener("pointerup", stop);
    this.svg.addEventListener("pointercancel", stop);
    window.addEventListener("resize", () => this.draw());
  }

  ticks() {
    const span = this.view.to - this.view.from;
    const wanted = Math.max(2, Math.floor((this.width - this.gutter) / 110));
    const step = STEPS.find((s) => span / s <= wanted) || STEPS[STEPS.length - 1];
    const first = Math.ceil(this.view.from / step) * step;
    const ticks = [];
    for (let t = first; t <= this.view.to; t += step) { ticks.push(t); }
    return { ticks: ticks, step: step };
  }

  draw() {
    const width = this.width;
    const height = this.axisHeight + this.lanes.length * this.laneHeight + 6;
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    this.svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    const defs = svg("defs");
    const clip = svg("clipPath", { id: "timeline-clip" });
    clip.appendChild(svg("rect", { x: this.gutter, y: 0, width: Math.max(width - this.gutter - 8, 0), height: height }));
    defs.appendChild(clip);
    const axis = svg("g", { class: "axis" });
    const { ticks, step } = this.ticks();
    for (const t of ticks) {
      const x = this.x(t);
      axis.appendChild(svg("line", { x1: x, x2: x, y1: this.axisHeight - 6, y2: height, class: "tick" }));
      const label = step >= DAY ? day(t) : (clock(t) === "00:00" ? day(t) : clock(t));
      axis.appendChild(svg("text", { x: x + 3, y: this.axisHeight - 10, class: "tick-label" }, label));
    }
    axis.appendChild(svg("text", { x: 4, y: 14, class: "range" }, day(this.view.from) + " – " + day(this.view.to)));
    const lanes = svg("g", { class: "lanes" });
    const bars = svg("g", { "clip-path": "url(#timeline-clip)" });
    this.lanes.forEach((lane, index) => {
      const y = this.axisHeight + index * this.laneHeight;
      lanes.appendChild(svg("rect", { x: 0, y: y, width: width, height: this.laneHeight, class: index % 2 ? "lane odd" : "lane" }));
      lanes.appendChild(svg("text", { x: 6, y: y + this.laneHeight / 2 + 4, class: "lane-label" }, lane.label));
      for (const item of lane.items) {
        if (item.end < this.view.from || item.start > this.view.to) { continue; }
        const x1 = Math.max(this.x(item.start), this.gutter - 4);
        const x2 = Math.min(this.x(item.end), width);
        const barWidth = Math.max(x2 - x1, 5);
        const bar = svg("rect", {
          x: x2 - x1 < 5 ? x1 - 2.5 : x1, y: y + 4, width: barWidth, height: this.laneHeight - 8, rx: 3,
          fill: item.colour, class: "bar" + (item.id === this.selected ? " selected" : ""),
          tabindex: 0, role: "button", "aria-label": item.title, "data-id": item.id,
        });
        bar.appendChild(svg("title", {}, item.title));
        bar.addEventListener("click", () => { this.select(item.id); this.onSelect(item); });
        bar.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.select(item.id); this.onSelect(item); }
        });
        bars.appendChild(bar);
        if (item.text && barWidth > 40) {
          bars.appendChild(svg("text", { x: Math.max(x1, this.gutter) + 4, y: y + this.laneHeight / 2 + 4, class: "bar-text" }, item.text));
        }
      }
    });
    this.svg.replaceChildren(defs, lanes, axis, bars);
    this.container.dataset.from = new Date(this.view.from).toISOString();
    this.container.dataset.to = new Date(this.view.to).toISOString();
  }
}
