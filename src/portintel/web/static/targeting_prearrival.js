// portintel: the pre-arrival page. Keeps the list current without a reload: every
// data-every seconds the table is fetched again, server-rendered (/prearrival/rows, the
// same template as the page) and swapped in where it stands, keeping the scroll position.
// A change of port or window submits the form (the choices live in the address, so a
// reload or a bookmark keeps them).
const section = document.getElementById("prearrival");
const form = document.getElementById("prearrival-options");
const live = document.getElementById("prearrival-live");
const printButton = document.getElementById("prearrival-print");

if (form) {
  form.addEventListener("change", () => {
    if (form.elements.port.value) { form.requestSubmit(); }
  });
}
if (printButton) { printButton.addEventListener("click", () => window.print()); }

async function refresh() {
  section.dataset.state = "updating";
  live.textContent = live.dataset.updating;
  try {
    const response = await fetch(section.dataset.rows, {
      credentials: "same-origin", headers: { Accept: "text/html" }, cache: "no-store",
    });
    if (response.redirected || !response.headers.get("content-type")?.startsWith("text/html")) {
      throw new Error("signed out");
    }
    const html = await response.text();
    const x = window.scrollX, y = window.scrollY;
    const parsed = new DOMParser().parseFromString(html, "text/html");
    section.replaceChildren(...parsed.body.childNodes);
    window.scrollTo(x, y);
    section.dataset.refreshes = String(Number(section.dataset.refreshes) + 1);
    section.dataset.state = "ready";
    live.textContent = live.dataset.updated + " " + new Date().toISOString().slice(11, 16) + " UTC";
  } catch (error) {
    section.dataset.state = "failed";
    live.textContent = live.dataset.failed;
  }
}

if (section && !section.dataset.idle) {
  const every = Math.max(1, Number(section.dataset.every) || 60) * 1000;
  section.dataset.state = "ready";
  window.setInterval(refresh, every);
}
