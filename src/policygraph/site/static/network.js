// Draw the projected network (window.PG_NETWORK, from network-data.js) with Cytoscape.js at the positions
// computed when the site was built; selecting a node that has a page opens it.
(function () {
  "use strict";
  var box = document.getElementById("network");
  var lang = box.dataset.lang;
  var base = box.dataset.base;
  var data = window.PG_NETWORK;
  var elements = [];
  var types = {};
  data.nodes.forEach(function (n) {
    types[n.type] = n.colour;
    elements.push({ group: "nodes", data: { id: n.id, label: (lang === "ja" && n.ja) ? n.ja : n.label, colour: n.colour, page: n.page }, position: { x: n.x, y: n.y } });
  });
  data.links.forEach(function (l, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: l.source, target: l.target } });
  });
  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset" },
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", width: 14, height: 14, label: "data(label)", "font-size": 10, "min-zoomed-font-size": 16, color: "#1a1a1a", "text-valign": "bottom" } },
      { selector: "edge", style: { width: 0.6, "line-color": "#9a9a9a", opacity: 0.5 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#000" } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var page = event.target.data("page");
    if (page) window.location.href = base + page;
  });
  var legend = document.getElementById("network-legend");
  Object.keys(types).sort().forEach(function (type) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.backgroundColor = types[type];
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(type));
    legend.appendChild(item);
  });
})();
