// Tier map: the supply graph upstream of a shipment's exporter as an SVG, one column per tier
// (tainted sources on the left, the importer on the right). Click or press Enter on a party to see it.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var host = document.getElementById("tiermap");
  var dataEl = document.getElementById("tiermap-data");
  var panel = document.getElementById("tiermap-panel");
  if (!host || !dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var job = host.getAttribute("data-job");
  var NODE_W = 180, NODE_H = 46, COL_GAP = 64, ROW_GAP = 14, PAD = 24, HEAD = 34;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function clip(s, n) { s = String(s || ""); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function text(parent, s) { var d = document.createElement(parent); d.textContent = s; return d; }

  function layout(nodes, edges) {
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var maxTier = 0;
    nodes.forEach(function (n) { maxTier = Math.max(maxTier, n.tier); });
    var cols = [];
    for (var t = 0; t <= maxTier; t++) { cols.push([]); }
    nodes.forEach(function (n) { cols[n.tier].push(n); });
    // Order each column by the mean position of its buyers one tier down (fewer crossings), evidence first.
    var pos = {};
    var down = {};
    edges.forEach(function (e) { (down[e.source] = down[e.source] || []).push(e.target); });
    cols.forEach(function (col, t) {
      col.forEach(function (n) {
        var ps = (down[n.id] || []).filter(function (id) { return pos[id] !== undefined; }).map(function (id) { return pos[id]; });
        n._key = ps.length ? ps.reduce(function (a, b) { return a + b; }, 0) / ps.length : 1e6;
      });
      col.sort(function (a, b) { return (b.on_path - a.on_path) || (a._key - b._key) || a.name.localeCompare(b.name); });
      col.forEach(function (n, i) { pos[n.id] = i; });
    });
    var tallest = Math.max.apply(null, cols.map(function (c) { return c.length; }).concat([1]));
    var height = PAD * 2 + HEAD + tallest * (NODE_H + ROW_GAP);
    cols.forEach(function (col, t) {
      var x = PAD + (maxTier - t) * (NODE_W + COL_GAP);
      var offset = (tallest - col.length) * (NODE_H + ROW_GAP) / 2;
      col.forEach(function (n, i) { n._x = x; n._y = PAD + HEAD + offset + i * (NODE_H + ROW_GAP); });
    });
    return { byId: byId, maxTier: maxTier, width: PAD * 2 + (maxTier + 1) * NODE_W + maxTier * COL_GAP, height: height };
  }

  function showParty(n) {
    panel.textContent = "";
    var info = document.createElement("div");
    info.className = "tp-info";
    var side = document.createElement("div");
    side.className = "tp-findings";
    panel.appendChild(info);
    panel.appendChild(side);
    info.appendChild(text("h3", n.name));
    var meta = text("p", [n.id, n.country, n.role === "importer" ? "importer" : "tier " + n.tier].filter(Boolean).join(" · "));
    meta.className = "muted small";
    info.appendChild(meta);
    if (n.name_local && n.name_local !== n.name) { info.appendChild(text("p", n.name_local)); }
    if (n.address) { var a = text("p", n.address); a.className = "small"; info.appendChild(a); }
    if (n.untraced) { var u = text("p", "No upstream data supplied for this party."); u.className = "small muted"; info.appendChild(u); }
    var link = document.createElement("a");
    link.href = "/jobs/" + encodeURIComponent(job) + "/parties/" + encodeURIComponent(n.id);
    link.className = "btn btn-small";
    link.textContent = "Open party page";
    info.appendChild(link);
    if (n.findings && n.findings.length) {
      var ul = document.createElement("ul");
      n.findings.forEach(function (f) {
        var li = document.createElement("li");
        var b = text("span", f.severity || "");
        b.className = "badge badge-" + (f.severity || "none");
        li.appendChild(b);
        li.appendChild(document.createTextNode(" " + (f.summary || f.rule || "")));
        if (f.source || f.edition) {
          var s = text("div", [f.source, f.edition].filter(Boolean).join(" · "));
          s.className = "muted small";
          li.appendChild(s);
        }
        ul.appendChild(li);
      });
      side.appendChild(ul);
    } else {
      var none = text("p", n.role === "importer" ? "The importer of record." : "No findings for this party.");
      none.className = "muted";
      side.appendChild(none);
    }
  }

  function draw(view) {
    host.textContent = "";
    var nodes = data.nodes.filter(function (n) { return view === "all" || n.on_path || n.role === "importer" || n.role === "exporter"; });
    var keep = {};
    nodes.forEach(function (n) { keep[n.id] = true; });
    var edges = data.edges.filter(function (e) { return keep[e.source] && keep[e.target]; });
    var L = layout(nodes, edges);
    // Shrink to fit the box when that keeps the labels readable; scroll beyond that.
    var scale = Math.max(0.75, Math.min(1, (host.clientWidth - 2) / L.width));
    var svg = el("svg", { width: Math.round(L.width * scale), height: Math.round(L.height * scale),
      viewBox: "0 0 " + L.width + " " + L.height, role: "group", "aria-label": "Tier map: " + nodes.length + " parties" }, host);
    for (var t = 0; t <= L.maxTier; t++) {
      var label = el("text", { x: PAD + (L.maxTier - t) * (NODE_W + COL_GAP) + NODE_W / 2, y: PAD + 8, "text-anchor": "middle", "class": "tm-tier" }, svg);
      label.textContent = t === 0 ? "Importer" : "Tier " + t;
    }
    var gEdges = el("g", {}, svg);
    edges.slice().sort(function (a, b) { return a.on_path - b.on_path; }).forEach(function (e) {
      var s = L.byId[e.source], d = L.byId[e.target];
      var x1 = s._x + NODE_W, y1 = s._y + NODE_H / 2, x2 = d._x, y2 = d._y + NODE_H / 2;
      if (x2 <= x1) { x1 = s._x; x2 = d._x + NODE_W; }
      var mx = (x1 + x2) / 2;
      var cls = "tm-edge" + (e.shipment ? " tm-ship" : "") + (e.on_path === 2 ? " tm-path" : e.on_path === 1 ? " tm-path1" : "");
      var p = el("path", { d: "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2, "class": cls }, gEdges);
      var title = el("title", {}, p);
      title.textContent = e.source + " → " + e.target + (e.materials && e.materials.length ? ": " + e.materials.join(", ") : "");
    });
    var gNodes = el("g", {}, svg);
    var selected = null;
    nodes.forEach(function (n) {
      var cls = "tm-node role-" + n.role + (n.severity ? " sev-" + n.severity : "") + (n.on_path ? " on-path" : "");
      var g = el("g", { "class": cls, transform: "translate(" + n._x + "," + n._y + ")", tabindex: "0", role: "button",
        "aria-label": n.name + ", " + (n.role === "importer" ? "importer" : "tier " + n.tier) + (n.severity ? ", " + n.severity : "") }, gNodes);
      el("rect", { width: NODE_W, height: NODE_H, rx: 8 }, g);
      var t1 = el("text", { x: 10, y: 19 }, g);
      t1.textContent = clip(n.name, 24);
      var t2 = el("text", { x: 10, y: 35, "class": "tm-sub" }, g);
      t2.textContent = clip(n.id + (n.country ? " · " + n.country : "") + (n.findings.length ? " · " + n.findings.length + " finding" + (n.findings.length > 1 ? "s" : "") : ""), 30);
      var pick = function () {
        if (selected) { selected.classList.remove("selected"); }
        selected = g;
        g.classList.add("selected");
        showParty(n);
      };
      g.addEventListener("click", pick);
      g.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); }
      });
    });
    var first = nodes.filter(function (n) { return n.on_path && n.severity; })[0];
    if (first) {
      showParty(first);
    }
    // Start scrolled to the evidence rather than to the top-left corner of a tall map.
    if (first && host.scrollHeight > host.clientHeight) { host.scrollTop = Math.max(0, first._y * scale - 80); }
  }

  var hasEvidence = data.nodes.some(function (n) { return n.on_path && n.role === "supplier"; }) ||
    data.nodes.some(function (n) { return n.on_path === 2 && n.role === "exporter"; });
  var view = hasEvidence ? "evidence" : "all";
  document.querySelectorAll("[data-view]").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === view));
    b.addEventListener("click", function () {
      view = b.getAttribute("data-view");
      document.querySelectorAll("[data-view]").forEach(function (o) { o.setAttribute("aria-pressed", String(o === b)); });
      draw(view);
    });
  });
  draw(view);
})();
