// bmtools site search: no library, no fetch. search-index.js (loaded before this script)
// assigns window.BMTOOLS_SEARCH = [[title, url, summary, words], ...]; a page matches when
// every word of the query starts a word of its title or text. Works from file:// too.
(function () {
  "use strict";
  var index = window.BMTOOLS_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  var WORD = /[\p{L}\p{N}]+/gu;

  function terms(text) {
    return (text.normalize("NFC").toLowerCase().match(WORD) || []);
  }

  function hasPrefix(haystack, term) {
    return (" " + haystack).indexOf(" " + term) !== -1;
  }

  function search(query) {
    var qs = terms(query);
    var hits = [];
    if (!qs.length) { return hits; }
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      var title = terms(entry[0]).join(" ");
      var score = 0;
      var all = true;
      for (var k = 0; k < qs.length; k++) {
        if (hasPrefix(title, qs[k])) { score += 10; }
        else if (hasPrefix(entry[3], qs[k])) { score += 1; }
        else { all = false; break; }
      }
      if (all) { hits.push([score, entry]); }
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1][0].localeCompare(b[1][0]); });
    return hits.slice(0, 100).map(function (h) { return h[1]; });
  }

  function show(query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var hits = search(query);
    if (!query.trim()) { status.textContent = "Type a word to search " + index.length + " pages."; return; }
    status.textContent = hits.length ? hits.length + (hits.length === 1 ? " page" : " pages") + " found"
                                     : "No page found for “" + query + "”.";
    hits.forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry[1];
      a.textContent = entry[0];
      li.appendChild(a);
      if (entry[2]) {
        var span = document.createElement("span");
        span.className = "summary";
        span.textContent = entry[2];
        li.appendChild(span);
      }
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  show(input.value);
  input.addEventListener("input", function () { show(input.value); });
  input.focus();
})();
