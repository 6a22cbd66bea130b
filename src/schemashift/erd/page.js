// The ERD page: pan (drag), zoom (wheel, + / -), fit, search (highlights and centres a model),
// click a model to see its relations. No network, no libraries.
(function () {
  "use strict";
  var view = document.getElementById("view");
  var svg = view.querySelector("svg");
  var input = document.getElementById("search");
  var count = document.getElementById("count");
  var info = document.getElementById("info");
  var full = { w: parseFloat(svg.getAttribute("width")), h: parseFloat(svg.getAttribute("height")) };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  var entities = Array.prototype.slice.call(svg.querySelectorAll("g.entity"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll("path.edge"));
  var vb = { x: 0, y: 0, w: full.w, h: full.h };
  var hits = [];
  var current = -1;

  function size() {
    var r = view.getBoundingClientRect();
    return { w: Math.max(r.width, 1), h: Math.max(r.height, 1), left: r.left, top: r.top };
  }
  function apply() {
    svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].map(function (v) { return v.toFixed(2); }).join(" "));
  }
  // show the rectangle (x, y, w, h) of the drawing, centred, with the view's aspect
  function show(x, y, w, h) {
    var s = size();
    var scale = Math.max(w / s.w, h / s.h);
    vb.w = s.w * scale;
    vb.h = s.h * scale;
    vb.x = x + w / 2 - vb.w / 2;
    vb.y = y + h / 2 - vb.h / 2;
    apply();
  }
  function fit() { show(0, 0, full.w, full.h); }
  function zoom(factor, cx, cy) {
    var s = size();
    var px = vb.x + ((cx === undefined ? s.w / 2 : cx - s.left) / s.w) * vb.w;
    var py = vb.y + ((cy === undefined ? s.h / 2 : cy - s.top) / s.h) * vb.h;
    var limit = Math.max(full.w, full.h) * 4;
    var w = Math.min(Math.max(vb.w * factor, 80), limit);
    factor = w / vb.w;
    vb.x = px - (px - vb.x) * factor;
    vb.y = py - (py - vb.y) * factor;
    vb.w *= factor;
    vb.h *= factor;
    apply();
  }
  function boxOf(g) {
    var t = /translate\(([-\d.e]+)[ ,]([-\d.e]+)\)/.exec(g.getAttribute("transform"));
    var rect = g.querySelector("rect.box");
    return { x: parseFloat(t[1]), y: parseFloat(t[2]),
             w: parseFloat(rect.getAttribute("width")), h: parseFloat(rect.getAttribute("height")) };
  }
  // centre a model; zoom in so that it is readable, or out so that it fits
  function centre(g) {
    var b = boxOf(g);
    var s = size();
    var scale = vb.w / s.w;
    var readable = Math.min(scale, 1.5, Math.max(b.w / (s.w * 0.9), b.h / (s.h * 0.9), 0.5));
    vb.w = s.w * readable;
    vb.h = s.h * readable;
    vb.x = b.x + b.w / 2 - vb.w / 2;
    vb.y = b.y + b.h / 2 - vb.h / 2;
    apply();
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
      var s = e.getAttribute("data-source"), t = e.getAttribute("data-target");
      if (s !== name && t !== name) return;
      e.classList.add("active");
      var other = s === name ? t : s;
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
    hits.sort(function (a, b) {
      function rank(g) { var n = nameOf(g).toLowerCase(); return n === q ? 0 : n.indexOf(q) === 0 ? 1 : 2; }
      return rank(a) - rank(b);
    });
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

  input.addEventListener("input", function () { search(input.value); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { next(ev.shiftKey ? -1 : 1); ev.preventDefault(); }
    if (ev.key === "Escape") { input.value = ""; search(""); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== input) { input.focus(); ev.preventDefault(); }
  });
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1 / 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1.25); });
  view.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoom(Math.exp(ev.deltaY * 0.0015), ev.clientX, ev.clientY);
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
    var s = size();
    vb.x -= (dx * vb.w) / s.w;
    vb.y -= (dy * vb.h) / s.h;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    apply();
  });
  view.addEventListener("pointerup", function () {
    if (drag && !drag.moved) {
      var g = drag.target.closest ? drag.target.closest("g.entity") : null;
      select(g);
    }
    drag = null;
    view.classList.remove("dragging");
  });
  window.addEventListener("resize", function () { show(vb.x, vb.y, vb.w, vb.h); });

  window.erd = { search: search, centre: centre, fit: fit, zoom: zoom, select: select };
  fit();
  document.documentElement.setAttribute("data-ready", "true");
})();
