// bmtools site search: no library, no fetch. search-index.js (loaded before this script)
// assigns window.BMTOOLS_SEARCH = {pages: [[title, url, summary], ...], words: "a b ...",
// hits: [...]}: the words sorted, each once, with the pages holding it (see
// bmtools/site/search.py). A page matches when every word of the query starts a word of its
// title or text; title matches rank first. Works from file:// too.
(function () {
  "use strict";
  var data = window.BMTOOLS_SEARCH || {};
  var pages = data.pages || [];
  var words = data.words ? data.words.split(" ") : [];
  var hits = data.hits || [];
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  var WORD = /[\p{L}\p{N}]+/gu;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var c = 0; c < B64.length; c++) { VALUE[B64.charAt(c)] = c; }
  var titles = null;

  function terms(text) {
    return (text.normalize("NFC").toLowerCase().match(WORD) || []);
  }

  function hasPrefix(haystack, term) {
    return (" " + haystack).indexOf(" " + term) !== -1;
  }

  // Mark in `mark` the pages of one word's hits: "!" and a bitmap, or varint differences.
  function decode(code, mark) {
    var k, v;
    if (code.charAt(0) === "!") {
      for (k = 1; k < code.length; k++) {
        v = VALUE[code.charAt(k)];
        for (var b = 0; b < 6; b++) { if (v & (1 << b)) { mark[(k - 1) * 6 + b] = 1; } }
      }
      return;
    }
    var page = -1, gap = 0, shift = 0;
    for (k = 0; k < code.length; k++) {
      v = VALUE[code.charAt(k)];
      gap += (v & 31) * Math.pow(2, shift);
      if (v & 32) { shift += 5; } else { page += gap; mark[page] = 1; gap = 0; shift = 0; }
    }
  }

  // The pages holding a word that starts with `term` (the words are sorted).
  function pagesWith(term) {
    var mark = new Uint8Array(pages.length);
    var lo = 0, hi = words.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (words[mid] < term) { lo = mid + 1; } else { hi = mid; }
    }
    for (var i = lo; i < words.length && words[i].lastIndexOf(term, 0) === 0; i++) {
      decode(hits[i], mark);
    }
    return mark;
  }

  function search(query) {
    var qs = terms(query);
    var found = [];
    if (!qs.length) { return found; }
    if (titles === null) { titles = pages.map(function (p) { return terms(p[0]).join(" "); }); }
    var marks = qs.map(pagesWith);
    for (var i = 0; i < pages.length; i++) {
      var score = 0;
      var all = true;
      for (var k = 0; k < qs.length; k++) {
        if (hasPrefix(titles[i], qs[k])) { score += 10; }
        else if (marks[k][i]) { score += 1; }
        else { all = false; break; }
      }
      if (all) { found.push([score, pages[i]]); }
    }
    found.sort(function (a, b) { return b[0] - a[0] || a[1][0].localeCompare(b[1][0]); });
    return found.slice(0, 100).map(function (h) { return h[1]; });
  }

  function show(query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var found = search(query);
    if (!query.trim()) { status.textContent = "Type a word to search " + pages.length + " pages."; return; }
    status.textContent = found.length ? found.length + (found.length === 1 ? " page" : " pages") + " found"
                                      : "No page found for “" + query + "”.";
    found.forEach(function (entry) {
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
