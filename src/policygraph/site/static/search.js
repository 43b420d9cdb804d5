// Search every record page with MiniSearch, from the documents in search-index.js (window.PG_SEARCH).
// Words are split on spaces and punctuation; Japanese and Chinese text has no spaces, so every run of
// those characters is also cut into overlapping pairs (技能実習 -> 技能 能実 実習), and a query matches
// a label that contains all of its pairs: "技能実習" finds "技能実習制度".
(function () {
  "use strict";
  var CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+/g;

  function tokenize(text) {
    var tokens = [];
    String(text || "").split(/[\s\p{P}\p{S}]+/u).forEach(function (part) {
      if (!part) return;
      var runs = part.match(CJK);
      var rest = part.replace(CJK, " ").trim();
      if (rest) rest.split(/\s+/).forEach(function (w) { tokens.push(w); });
      (runs || []).forEach(function (run) {
        if (run.length === 1) tokens.push(run);
        for (var i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
      });
    });
    return tokens;
  }

  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var input = document.getElementById("search-input");
  var lang = list.dataset.lang;
  var base = list.dataset.base;
  var index = new MiniSearch({
    fields: ["en", "ja", "names", "key"],
    storeFields: ["en", "ja", "kind", "section"],
    tokenize: tokenize,
    searchOptions: { boost: { en: 2, ja: 2, names: 2 }, prefix: true, fuzzy: 0.15, combineWith: "AND", tokenize: tokenize }
  });
  index.addAll(window.PG_SEARCH);

  function show(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var results = index.search(query).slice(0, 50);
    status.textContent = results.length ? results.length + "" : list.dataset.none;
    results.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + hit.id;
      link.textContent = (lang === "ja" && hit.ja) ? hit.ja : hit.en;
      item.appendChild(link);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + hit.kind;
      item.appendChild(kind);
      list.appendChild(item);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  input.addEventListener("input", function () { show(input.value); });
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
})();
