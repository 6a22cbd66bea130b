// The ERD page: pan (drag), zoom (wheel, + / -), fit, search (highlights and centres a model),
// click a model to see its relations. No network, no libraries.
//
// The SVG keeps its own size and is moved with a CSS transform (screen = scale * drawing +
// offset): while the view moves, the browser composites the picture it already has (the class
// `moving` sets will-change) instead of drawing 200 models again for every frame; 200 ms after
// the last move the class goes and the picture is drawn sharp at the new scale.
(function () {
  "use strict";
  var view = document.getElementById("view");
  var svg = view.querySelector("svg");
  var input = document.getElementById("search");
  var count = document.getElementById("count");
  var info = document.getElementById("info");
  var full = { w: parseFloat(svg.getAttribute("width")), h: parseFloat(svg.getAttribute("height")) };
  var entities = Array.prototype.slice.call(svg.querySelectorAll("g.entity"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll("path.edge"));
  var t = { x: 0, y: 0, s: 1 };
  var hits = [];
  var current = -1;
  var settle = null;
  var searchTimer = null;

  function size() {
    var r = view.getBoundingClientRect();
    return { w: Math.max(r.width, 1), h: Math.max(r.height, 1), left: r.left, top: r.top };
  }
  function apply() {
    svg.style.transform = "translate(" + t.x.toFixed(2) + "px," + t.y.toFixed(2) + "px) scale(" + t.s.toFixed(5) + ")";
    view.classList.add("moving");
    if (settle !== null) clearTimeout(settle);
    settle = setTimeout(function () { settle = null; view.classList.remove("moving"); }, 200);
  }
  function clampScale(s) {
    var sz = size();
    var min = Math.min(sz.w / full.w, sz.h / full.h, 1) / 4;
    return Math.min(Math.max(s, min), 4);
  }
  // show the rectangle (x, y, w, h) of the drawing, centred, as large as fits (at most `max`)
  function show(x, y, w, h, max) {
    var sz = size();
    t.s = clampScale(Math.min(sz.w / w, sz.h / h, max === undefined ? Infinity : max));
    t.x = sz.w / 2 - (x + w / 2) * t.s;
    t.y = sz.h / 2 - (y + h / 2) * t.s;
    apply();
  }
  function fit() { show(0, 0, full.w, full.h, 1); }
  // zoom by `factor` around the point (cx, cy) of the window (default: the view's centre)
  function zoom(factor, cx, cy) {
    var sz = size();
    var px = cx === undefined ? sz.w / 2 : cx - sz.left;
    var py = cy === undefined ? sz.h / 2 : cy - sz.top;
    var s = clampScale(t.s * factor);
    t.x = px - ((px - t.x) * s) / t.s;
    t.y = py - ((py - t.y) * s) / t.s;
    t.s = s;
    apply();
  }
  function boxOf(g) {
    var m = /translate\(([-\d.e]+)[ ,]([-\d.e]+)\)/.exec(g.getAttribute("transform"));
    var rect = g.querySelector("rect.box");
    return { x: parseFloat(m[1]), y: parseFloat(m[2]),
             w: parseFloat(rect.getAttribute("width")), h: parseFloat(rect.getAttribute("height")) };
  }
  // centre a model at a readable scale (1:1 unless it is taller than the view)
  function centre(g) {
    var b = boxOf(g);
    var sz = size();
    show(b.x, b.y, b.w, b.h, Math.min(1, (sz.h * 0.9) / b.h, (sz.w * 0.9) / b.w) || 1);
  }
  function nameOf(g) { return g.getAttribute("data-name"); }

  function select(g) {
    entities.forEach(function (e) { e.classList.remove("selected", "near"); });
    edges.forEach(function (e) { e.classList.remove("active"); });
    if (!g) {
      svg.classList.remove("selecting");
      info.classList.remove("shown");
      return;
    }
    var name = nameOf(g);
    var lines = [];
    g.classList.add("selected");
    edges.forEach(function (e) {
      var s = e.getAttribute("data-source"), d = e.getAttribute("data-target");
      if (s !== name && d !== name) return;
      e.classList.add("active");
      var other = s === name ? d : s;
      entities.forEach(function (x) { if (nameOf(x) === other) x.classList.add("near"); });
      lines.push(e.querySelector("title").textContent);
    });
    svg.classList.add("selecting");
    info.textContent = g.querySelector("title").textContent + (lines.length ? "\n\n" + lines.join("\n") : "");
    info.classList.add("shown");
  }

  function search(text) {
    var q = text.trim().toLowerCase();
    hits = [];
    entities.forEach(function (g) {
      var hit = q !== "" && nameOf(g).toLowerCase().indexOf(q) !== -1;
      g.classList.toggle("hit", hit);
      if (hit) hits.push(g);
    });
    // an exact name first, then names starting with the text, then the others
    function rank(g) { var n = nameOf(g).toLowerCase(); return n === q ? 0 : n.indexOf(q) === 0 ? 1 : 2; }
    hits.sort(function (a, b) { return rank(a) - rank(b); });
    svg.classList.toggle("searching", q !== "");
    current = hits.length ? 0 : -1;
    count.textContent = q === "" ? "" : hits.length ? "1 of " + hits.length : "no model";
    if (hits.length) centre(hits[0]);
  }
  function next(step) {
    if (!hits.length) return;
    current = (current + step + hits.length) % hits.length;
    count.textContent = current + 1 + " of " + hits.length;
    centre(hits[current]);
  }

  // typing searches once the keys pause (each search restyles every model)
  input.addEventListener("input", function () {
    if (searchTimer !== null) clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { searchTimer = null; search(input.value); }, 120);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      if (searchTimer !== null) { clearTimeout(searchTimer); searchTimer = null; search(input.value); }
      else next(ev.shiftKey ? -1 : 1);
      ev.preventDefault();
    }
    if (ev.key === "Escape") { input.value = ""; search(""); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== input) { input.focus(); ev.preventDefault(); }
  });
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1 / 1.25); });
  view.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX, ev.clientY);
  }, { passive: false });

  var drag = null;
  view.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, moved: false, target: ev.target };
    view.setPointerCapture(ev.pointerId);
  });
  view.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
    drag.moved = true;
    view.classList.add("dragging");
    t.x += dx;
    t.y += dy;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    apply();
  });
  view.addEventListener("pointerup", function () {
    if (drag && !drag.moved) {
      select(drag.target.closest ? drag.target.closest("g.entity") : null);
    }
    drag = null;
    view.classList.remove("dragging");
  });

  window.erd = { search: search, centre: centre, fit: fit, zoom: zoom, select: select,
                 view: function () { return { x: t.x, y: t.y, scale: t.s }; } };
  fit();
  document.documentElement.setAttribute("data-ready", "true");
})();
