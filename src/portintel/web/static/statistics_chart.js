// The statistics page's chart: incidents by period, one stacked series per group.
// The figures come from the canvas's data-figures attribute (server-rendered, no inline
// script under the CSP); window.Chart is the vendored Chart.js UMD build.
const PALETTE = ["#0b5cad", "#c75a00", "#1f6f3a", "#8a3ea8", "#a1261b", "#00798c", "#6b5e00", "#4a5a6a", "#9aa5b1"];

function draw(canvas) {
  const figures = JSON.parse(canvas.dataset.figures || "{}");
  if (!window.Chart || !figures.labels) {
    canvas.dataset.state = "failed";
    return;
  }
  const chart = new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: figures.labels,
      datasets: figures.series.map((series, index) => ({
        label: series.label,
        data: series.data,
        backgroundColor: PALETTE[index % PALETTE.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  canvas.dataset.state = "drawn";
  canvas.dataset.series = String(chart.data.datasets.length);
  canvas.dataset.periods = String(chart.data.labels.length);
}

const canvas = document.getElementById("statistics-chart");
if (canvas) draw(canvas);
