// portintel: the alert list updates itself over server-sent events (no reload).
// The server sends only the alerts this user may read: "alert" events for new ones, "change"
// events when one is acknowledged, assigned or closed (the row is updated, or dropped when it
// no longer belongs under the page's filter, as a reload would show). Each event's id holds
// both cursors, so EventSource's own reconnection (Last-Event-ID) resumes where it left off.
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

function belongs(alert) {
  // the page's filter, as the server applies it on a reload
  const wanted = status.dataset.status || "open";
  if (wanted !== "all" && alert.status !== wanted) {
    return false;
  }
  return status.dataset.mine !== "true" || alert.assigned_to_me === true;
}

function place(tr, id) {
  // newest first: before the first row with an older alert; past the last only if the page
  // shows the end of the list (otherwise the row belongs on a later page)
  for (const other of rows.querySelectorAll("tr[data-alert-id]")) {
    if (Number(other.dataset.alertId) < id) {
      rows.insertBefore(tr, other);
      return true;
    }
  }
  if (status.dataset.complete === "true") {
    rows.appendChild(tr);
    return true;
  }
  return false;
}

function change(alert) {
  const row = rows.querySelector(`tr[data-alert-id="${alert.id}"]`);
  if (!belongs(alert)) {
    if (row) {
      row.remove();
    }
  } else if (row) {
    const cells = row.querySelectorAll("td");
    const badge = cells[2].querySelector(".badge");
    (badge || cells[2]).textContent = alert.status_label;
    cells[3].textContent = alert.assigned_name || "";
    row.classList.add("alert-changed");
  } else {
    const fresh = rowOf(alert);
    fresh.className = "alert-changed";
    place(fresh, alert.id);
  }
  if (empty) {
    empty.hidden = rows.querySelector("tr[data-alert-id]") !== null;
  }
  status.dataset.changes = String(Number(status.dataset.changes || "0") + 1);
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
  source.addEventListener("change", (event) => {
    try {
      change(JSON.parse(event.data));
    } catch (error) {
      console.warn("portintel: a change to an alert could not be read", error);
    }
  });
}

connect();
