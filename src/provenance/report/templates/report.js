// provenance HTML report: optional behaviour (sorting, filtering, collapsing, jumping to a
// twin passage). Inlined and allowed by its hash in the CSP. Reads only the page itself.
(function () {
  "use strict";
  var table = document.getElementById("relations-table");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  each(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // sorting: every header becomes a button
  if (table && rows.length > 1) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, col) {
      if (!th.textContent.trim()) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "num";
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        each(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var keyed = rows.map(function (row, i) {
          var cell = row.cells[col];
          var v = cell.getAttribute("data-v");
          return { row: row, i: i, key: numeric ? parseFloat(v === null ? cell.textContent : v) : cell.textContent.trim().toLowerCase() };
        });
        keyed.sort(function (a, b) {
          if (a.key < b.key) { return -dir; }
          if (a.key > b.key) { return dir; }
          return a.i - b.i;
        });
        var body = table.tBodies[0];
        keyed.forEach(function (k) { body.appendChild(k.row); });
      });
    });
  }

  // filtering
  var filter = document.getElementById("filter");
  var kind = document.getElementById("kind-filter");
  var hideQuotes = document.getElementById("hide-quotes");
  var shown = document.getElementById("shown");
  function applyFilter() {
    var words = filter ? filter.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var wanted = kind ? kind.value : "";
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var rowKind = row.getAttribute("data-kind");
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!wanted || rowKind === wanted) && !(hideQuotes && hideQuotes.checked && rowKind === "quotes");
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    if (shown) { shown.textContent = count + " of " + rows.length + " relations shown"; }
  }
  [filter, kind, hideQuotes].forEach(function (el) {
    if (el) { el.addEventListener("input", applyFilter); el.addEventListener("change", applyFilter); }
  });
  if (rows.length && rows[0].hasAttribute("data-kind")) { applyFilter(); }

  // collapsing
  function setAll(open) { each(document.querySelectorAll("section.relation details"), function (d) { d.open = open; }); }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }
  window.addEventListener("beforeprint", function () { setAll(true); });

  // open the relation a link points into before the browser scrolls to it
  function reveal(id) {
    var target = document.getElementById(id);
    if (!target) { return null; }
    var details = target.closest("details") ||
      (target.matches("section.relation") ? target.querySelector("details") : null);
    if (details && !details.open) { details.open = true; }
    return target;
  }
  if (location.hash.length > 1) { reveal(decodeURIComponent(location.hash.slice(1))); }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) { return; }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var view = link.getAttribute("data-view");
    if (view) { var radio = document.getElementById(view); if (radio) { radio.checked = true; } }
    var target = reveal(id);
    if (!target) { return; }
    if (link.classList.contains("m") || view) {
      // a match block: bring its twin into view inside its own column, without moving the page
      event.preventDefault();
      var box = target.closest(".text");
      if (box) {
        box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
        var rect = box.getBoundingClientRect();
        if (rect.bottom < 0 || rect.top > window.innerHeight) { box.scrollIntoView({ block: "nearest" }); }
      } else {
        target.scrollIntoView({ block: "center" });
      }
      each(document.querySelectorAll(".m.flash"), function (el) { el.classList.remove("flash"); });
      target.classList.add("flash");
      if (link.classList.contains("m")) { link.classList.add("flash"); }
      target.focus({ preventScroll: true });
    }
  });
})();
