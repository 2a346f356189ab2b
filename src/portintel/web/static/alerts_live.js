// portintel: the alert list updates itself over server-sent events (no reload).
// The server sends only the alerts this user may read; each event's id is the alert's id,
// so EventSource's own reconnection (Last-Event-ID) resumes where it left off.
// Rows are built with textContent: nothing the server sends is parsed as HTML.

const status = document.getElementById("alert-live");
const rows = document.getElementById("alert-rows");
const empty = document.getElementById("alert-empty");

function cell(content) {
  const td = document.createElement("td");
  if (content instanceof Node) {
    td.appendChild(content);
  } else {
    td.textContent = content || "";
  }
  return td;
}

function rowOf(alert) {
  const tr = document.createElement("tr");
  tr.dataset.alertId = String(alert.id);
  tr.className = "alert-new";
  const time = document.createElement("time");
  time.textContent = alert.raised_at;
  tr.appendChild(cell(time));
  const what = document.createElement("span");
  const link = document.createElement("a");
  link.href = alert.url;
  link.textContent = alert.title;
  const kind = document.createElement("span");
  kind.className = "muted";
  kind.textContent = alert.kind_label;
  what.append(link, document.createElement("br"), kind);
  tr.appendChild(cell(what));
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = alert.status_label;
  tr.appendChild(cell(badge));
  tr.appendChild(cell(alert.assigned_name));
  return tr;
}

function show(alert) {
  if (rows.querySelector(`tr[data-alert-id="${alert.id}"]`)) {
    return; // sent again after a reconnection: already shown
  }
  rows.insertBefore(rowOf(alert), rows.firstChild);
  if (empty) {
    empty.hidden = true;
  }
  status.dataset.received = String(Number(status.dataset.received || "0") + 1);
}

function connect() {
  if (!status || !rows || !window.EventSource) {
    return;
  }
  const source = new EventSource(status.dataset.stream);
  source.addEventListener("open", () => {
    status.dataset.state = "live";
    status.textContent = status.dataset.live;
  });
  source.addEventListener("error", () => {
    status.dataset.state = "reconnecting";
    status.textContent = status.dataset.lost;
  });
  source.addEventListener("alert", (event) => {
    try {
      show(JSON.parse(event.data));
    } catch (error) {
      console.warn("portintel: an alert event could not be read", error);
    }
  });
}

connect();
