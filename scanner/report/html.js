// archscan HTML report: filter and sort the findings table. The charts need none of this.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var table = document.getElementById("findings-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = {
    status: document.getElementById("filter-status"),
    severity: document.getElementById("filter-severity"),
    env: document.getElementById("filter-env"),
    text: document.getElementById("filter-text")
  };
  var element = "";
  var shown = document.getElementById("filter-shown");

  function apply() {
    var want = {
      status: controls.status.value,
      severity: controls.severity.value,
      env: controls.env.value,
      text: controls.text.value.toLowerCase()
    };
    var count = 0;
    rows.forEach(function (row) {
      var ok = (!want.status || row.dataset.status === want.status) &&
        (!want.severity || row.dataset.severity === want.severity) &&
        (!want.env || row.dataset.env === want.env) &&
        (!element || row.dataset.el === element) &&
        (!want.text || row.textContent.toLowerCase().indexOf(want.text) >= 0);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown" +
      (element ? " (diagram element " + element + ")" : "");
  }

  function fromHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    element = params.get("el") || "";
    ["status", "severity", "env"].forEach(function (name) {
      if (params.has(name)) { controls[name].value = params.get(name); }
    });
    apply();
    if (window.location.hash.length > 1) { document.getElementById("findings").scrollIntoView(); }
  }

  function sortBy(index, numeric) {
    var ascending = table.dataset.sortIndex !== String(index) || table.dataset.sortDir !== "asc";
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.key || a.cells[index].textContent;
      var y = b.cells[index].dataset.key || b.cells[index].textContent;
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.dataset.sortIndex = String(index);
    table.dataset.sortDir = ascending ? "asc" : "desc";
  }

  Object.keys(controls).forEach(function (name) {
    controls[name].addEventListener("input", apply);
  });
  document.getElementById("filter-clear").addEventListener("click", function () {
    ["status", "severity", "env", "text"].forEach(function (name) { controls[name].value = ""; });
    element = "";
    if (window.location.hash) { history.replaceState(null, "", window.location.pathname); }
    apply();
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
    if (cell.dataset.sort) {
      cell.addEventListener("click", function () { sortBy(index, cell.dataset.sort === "num"); });
    }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
}());
