// provenance HTML report: optional behaviour (sorting, filtering, collapsing, jumping to a
// twin passage). Inlined and allowed by its hash in the CSP. Reads only the page itself.
(function () {
  "use strict";
  var table = document.getElementById("relations-table");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  each(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // a graph wider than its box (a phone): start with the topmost document in view
  var graphBox = document.querySelector(".graph-box");
  if (graphBox && graphBox.scrollWidth > graphBox.clientWidth) {
    var top = null;
    each(graphBox.querySelectorAll("a.node rect"), function (rect) {
      var y = +rect.getAttribute("y");
      if (!top || y < +top.getAttribute("y")) { top = rect; }
    });
    if (top) {
      var centre = +top.getAttribute("x") + (+top.getAttribute("width")) / 2;
      graphBox.scrollLeft = Math.max(0, centre - graphBox.clientWidth / 2);
    }
  }

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
  // open or close the relations the table currently shows (all of them when unfiltered)
  function setAll(open) {
    rows.forEach(function (row) {
      var link = row.querySelector("a[href^='#rel-']");
      var section = link && !row.hidden ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      var details = section ? section.querySelector("details") : null;
      if (details) { details.open = open; }
    });
  }
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("section.relation details"), function (d) { d.open = true; });
  });
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }


  // large reports: each document's text is embedded once; a relation's match blocks are
  // drawn here when it is opened (built with textContent only: the text is never parsed)
  var COLOURS = 8;
  var KINDS = { v: "verbatim", e: "edited", p: "paraphrase", q: "quote" };
  var SVG = "http://www.w3.org/2000/svg";
  var store = null;
  function texts() {
    if (store === null) {
      var el = document.getElementById("provenance-texts");
      store = el ? JSON.parse(el.textContent) : {};
    }
    return store;
  }
  function segments(length, spans) {
    var cuts = [0, length];
    spans.forEach(function (s) { cuts.push(Math.min(Math.max(s[0], 0), length), Math.min(Math.max(s[1], 0), length)); });
    cuts = cuts.sort(function (a, b) { return a - b; }).filter(function (v, i, all) { return i === 0 || v !== all[i - 1]; });
    var out = [];
    for (var k = 0; k + 1 < cuts.length; k += 1) {
      var a = cuts[k], b = cuts[k + 1], owner = -1;
      spans.forEach(function (s, i) { if (s[0] <= a && b <= s[1] && owner < 0) { owner = i; } });
      var last = out[out.length - 1];
      if (last && owner < 0 && last[2] < 0) { last[1] = b; } else { out.push([a, b, owner]); }
    }
    return out;
  }
  function drawSide(box, text, spans, passages, prefix, side) {
    var twin = side === "s" ? "d" : "s";
    var target = box.querySelector(".text");
    var seen = {};
    segments(text.length, spans).forEach(function (seg) {
      var piece = text.slice(seg[0], seg[1]);
      if (seg[2] < 0) { target.appendChild(document.createTextNode(piece)); return; }
      var i = seg[2], p = passages[i];
      var a = document.createElement("a");
      a.className = "m c" + (i % COLOURS) + (p[4] === "quote" ? " q" : "");
      a.href = "#" + prefix + "-" + twin + (i + 1);
      a.title = "passage " + (i + 1) + ": " + p[4] + ", similarity " + Number(p[5]).toFixed(2);
      if (!seen[i]) { a.id = prefix + "-" + side + (i + 1); a.setAttribute("data-n", String(i + 1)); seen[i] = true; }
      a.textContent = piece;
      target.appendChild(a);
    });
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "strip");
    svg.setAttribute("viewBox", "0 0 10 1000");
    svg.setAttribute("preserveAspectRatio", "none");
    var track = document.createElementNS(SVG, "rect");
    track.setAttribute("class", "track");
    track.setAttribute("width", "10");
    track.setAttribute("height", "1000");
    svg.appendChild(track);
    var scale = 1000 / Math.max(text.length, 1);
    spans.forEach(function (s, i) {
      var link = document.createElementNS(SVG, "a");
      link.setAttribute("href", "#" + prefix + "-" + side + (i + 1));
      var title = document.createElementNS(SVG, "title");
      title.textContent = "passage " + (i + 1) + " (" + passages[i][4] + ") at characters " + s[0] + "–" + s[1];
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", "c" + (i % COLOURS) + (passages[i][4] === "quote" ? " q" : ""));
      rect.setAttribute("width", "10");
      rect.setAttribute("y", String(Math.min(Math.min(s[0], text.length) * scale, 996)));
      rect.setAttribute("height", String(Math.max((Math.min(s[1], text.length) - Math.min(s[0], text.length)) * scale, 4)));
      link.appendChild(title);
      link.appendChild(rect);
      svg.appendChild(link);
    });
    box.insertBefore(svg, box.firstChild);
  }
  // word-level differences for the passages the HTML leaves out (Levenshtein over words)
  var TOKEN = /[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu;
  function tokens(text) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) { out.push([m.index, m.index + m[0].length, m[0]]); }
    return out;
  }
  function diffTags(a, b) {
    var n = a.length, m = b.length, w = m + 1;
    var left = new Array(n).fill(""), right = new Array(m).fill("");
    if ((n + 1) * (m + 1) > 16000000) { return null; }
    var d = new Int32Array((n + 1) * w);
    for (var i = 0; i <= n; i += 1) { d[i * w] = i; }
    for (var j = 0; j <= m; j += 1) { d[j] = j; }
    for (i = 1; i <= n; i += 1) {
      for (j = 1; j <= m; j += 1) {
        var sub = d[(i - 1) * w + j - 1] + (a[i - 1][2] === b[j - 1][2] ? 0 : 1);
        d[i * w + j] = Math.min(sub, d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1);
      }
    }
    i = n; j = m;
    while (i > 0 || j > 0) {
      if (i > 0 && j > 0 && a[i - 1][2] === b[j - 1][2] && d[i * w + j] === d[(i - 1) * w + j - 1]) {
        i -= 1; j -= 1;
      } else if (i > 0 && j > 0 && d[i * w + j] === d[(i - 1) * w + j - 1] + 1) {
        left[i - 1] = "sub"; right[j - 1] = "sub"; i -= 1; j -= 1;
      } else if (i > 0 && d[i * w + j] === d[(i - 1) * w + j] + 1) {
        left[i - 1] = "del"; i -= 1;
      } else {
        right[j - 1] = "ins"; j -= 1;
      }
    }
    return [left, right];
  }
  function marked(cell, text, toks, tags) {
    var pos = 0, k = 0;
    while (k < toks.length) {
      var cls = tags ? tags[k] : "";
      var end = k;
      while (end + 1 < toks.length && (tags ? tags[end + 1] : "") === cls) { end += 1; }
      if (cls) {
        cell.appendChild(document.createTextNode(text.slice(pos, toks[k][0])));
        var span = document.createElement("span");
        span.className = cls;
        span.textContent = text.slice(toks[k][0], toks[end][1]);
        cell.appendChild(span);
        pos = toks[end][1];
      }
      k = end + 1;
    }
    cell.appendChild(document.createTextNode(text.slice(pos)));
  }
  function offsets(cell, a, b, note) {
    var off = document.createElement("span");
    off.className = "off";
    off.textContent = "characters " + a + "–" + b + (note || "");
    cell.appendChild(off);
  }
  function drawWords(body, left, right, passages, prefix, anchor) {
    var roles = (body.parentNode.getAttribute("data-roles") || "").split("|");
    var order = passages.map(function (p, i) { return i; });
    order.sort(function (x, y) {
      var p = passages[x], q = passages[y];
      return (p[2] - q[2]) || (p[3] - q[3]) || (p[0] - q[0]) || (p[1] - q[1]) || (x - y);
    });
    order.forEach(function (i) {
      var p = passages[i];
      var row = document.createElement("tr");
      row.id = anchor + "-p" + (i + 1);
      var head = document.createElement("th");
      head.scope = "row";
      var num = document.createElement("span");
      num.className = "m c" + (i % COLOURS);
      num.textContent = String(i + 1);
      var badge = document.createElement("span");
      badge.className = "badge p-" + p[4];
      badge.textContent = p[4];
      var sim = document.createElement("span");
      sim.className = "sim";
      sim.textContent = "similarity " + Number(p[5]).toFixed(2);
      var link = document.createElement("a");
      link.href = "#" + prefix + "-s" + (i + 1);
      link.setAttribute("data-view", anchor + "-vb");
      link.textContent = "in the texts";
      head.append(num, " ", badge, document.createElement("br"), sim, document.createElement("br"), link);
      var a = left.slice(p[0], p[1]), b = right.slice(p[2], p[3]);
      var ta = tokens(a), tb = tokens(b);
      var tags = diffTags(ta, tb);
      var cells = [document.createElement("td"), document.createElement("td")];
      var bodies = [document.createElement("bdi"), document.createElement("bdi")];
      [0, 1].forEach(function (k) {
        cells[k].setAttribute("data-role", roles[k] || "");
        bodies[k].className = "body";
        cells[k].appendChild(bodies[k]);
      });
      marked(bodies[0], a, ta, tags && tags[0]);
      marked(bodies[1], b, tb, tags && tags[1]);
      offsets(cells[0], p[0], p[1]);
      offsets(cells[1], p[2], p[3], tags ? "" : " · too long for a word diff");
      row.append(head, cells[0], cells[1]);
      body.appendChild(row);
    });
  }
  function build(section) {
    // While the page is still being parsed, a relation's texts and table may be only partly
    // there: an open relation is built once parsing ends (DOMContentLoaded, below).
    if (document.readyState === "loading") { return; }
    var views = section ? section.querySelector(".views[data-passages]") : null;
    if (!views || views.getAttribute("data-built")) { return; }
    views.setAttribute("data-built", "1");
    var all = texts();
    var passages = views.getAttribute("data-passages").split(";").map(function (item) {
      var f = item.split(",");
      return [+f[0], +f[1], +f[2], +f[3], KINDS[f[4]], +f[5]];
    });
    var prefix = views.getAttribute("data-prefix");
    var left = all[views.getAttribute("data-source")] || "";
    var right = all[views.getAttribute("data-derived")] || "";
    var pair = views.querySelector(".pair.lazy");
    if (pair) {
      var boxes = pair.querySelectorAll(".withstrip");
      drawSide(boxes[0], left, passages.map(function (p) { return [p[0], p[1]]; }), passages, prefix, "s");
      drawSide(boxes[1], right, passages.map(function (p) { return [p[2], p[3]]; }), passages, prefix, "d");
    }
    var table = views.querySelector("table.passages.lazy");
    if (table) { drawWords(table.tBodies[0], left, right, passages, prefix, section.id); }
    each(section.querySelectorAll(".needs-js"), function (note) { note.hidden = true; });
  }
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.tagName === "DETAILS" && d.open) { build(d.closest("section.relation")); }
  }, true);

  // open the relation a link points into before the browser scrolls to it
  function reveal(id) {
    var target = document.getElementById(id);
    var lazy = /^r(\d+)-[sd]\d+$/.exec(id) || /^rel-(\d+)-p\d+$/.exec(id);
    if (!target && lazy) {
      build(document.getElementById("rel-" + lazy[1]));
      target = document.getElementById(id);
    }
    if (!target) { return null; }
    var details = target.closest("details") ||
      (target.matches("section.relation") ? target.querySelector("details") : null);
    if (details && !details.open) { details.open = true; }
    return target;
  }
  // this script runs before the relations are parsed (so the table works while they load)
  document.addEventListener("DOMContentLoaded", function () {
    each(document.querySelectorAll("section.relation details[open]"), function (d) {
      build(d.closest("section.relation"));
    });
    if (location.hash.length > 1) {
      var target = reveal(decodeURIComponent(location.hash.slice(1)));
      if (target) { target.scrollIntoView(); }
    }
  });

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
  if (window.performance && performance.mark) { performance.mark("provenance-script-ready"); }
})();
