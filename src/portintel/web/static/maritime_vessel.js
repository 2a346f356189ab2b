// portintel: the small track map of the vessel page (the whole track, simplified by the API).
import { createMap, getJSON, boundsOf } from "/static/maritime_basemap.js";

const container = document.getElementById("vessel-map");
const summary = document.getElementById("track-summary");
const map = createMap(container, { zoom: 3.5 });
const state = { trackPoints: 0, errors: [] };
window.portintelVesselMap = { map: map, state: state };

map.on("load", async () => {
  map.addSource("track", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "track", type: "line", source: "track", paint: { "line-color": "#d9480f", "line-width": 2 } });
  map.addSource("last", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
  map.addLayer({ id: "last", type: "circle", source: "last", paint: { "circle-radius": 6, "circle-color": "#10283f", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } });
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
  map.once("idle", () => { container.dataset.state = "ready"; });
  map.triggerRepaint();
});
