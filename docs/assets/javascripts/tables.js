/*
 * Sortable and filterable data tables.
 *
 * - Every `table.data-table` is made sortable with the vendored tablesort
 *   (vendor/tablesort.min.js + vendor/tablesort.number.min.js). Cells may carry
 *   a `data-sort` value (money, dates) that sorts instead of the shown text;
 *   headers with `data-sort-method="number"` sort numerically and headers with
 *   `data-sort-method="none"` do not sort at all. Columns of ISO dates (2019,
 *   2025-07, 2021-03-05) sort chronologically.
 * - tablesort sorts on Enter; this adds Space, as for any other control. extra.css
 *   draws Material's sort icons on the headers' tab stops (written by the generator),
 *   faintly at rest and on focus too (not only on hover), and styles the filter boxes:
 *   a stylesheet added from here restyled the whole page.
 * - The "Filter rows" box above every `table.filterable` hides the rows whose text
 *   does not contain the query (case-insensitive) and says "N of M rows shown" in a
 *   polite live region.
 *
 * - The box above a `[data-place-list]` (the "Where I live" page) shows only the
 *   places one of whose names starts with the query (see makePlaceFilter).
 *
 * Runs once the page is parsed, without Material's bundle (which loads only when the
 * visitor first acts: theme partial bundle-on-demand.html). What it would otherwise change
 * before the first layout is in the page already: the phone layout's cell labels (theme
 * partial table-labels.html, outside the content, so it runs on a full page load: the site
 * does not use instant navigation); the search boxes with their first status, and the
 * sortable headers' tab stop (the generator).
 * It makes no request of its own.
 */
(function () {
  "use strict";

  function headerRow(table) {
    var head = table.tHead;
    return head && head.rows.length ? head.rows[head.rows.length - 1] : null;
  }

  // ISO dates of any precision (2019, 2025-07, 2021-03-05) sort as text, so a year comes
  // before the months in it. Left to guess, tablesort takes "2019" and "2025-07" for
  // numbers and drops the month.
  var ISO_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
  var isoDateRegistered = false;

  function registerIsoDate() {
    if (isoDateRegistered) return;
    isoDateRegistered = true;
    window.Tablesort.extend("isodate", function (item) {
      return ISO_DATE.test(item);
    }, function (a, b) {
      // tablesort's convention: positive when a comes first in ascending order.
      return a === b ? 0 : (a < b ? 1 : -1);
    });
  }

  function sortValue(cell) {
    return (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent).trim();
  }

  // A column without a data-sort-method whose values are all ISO dates, some with a month.
  function isDateColumn(table, index) {
    var values = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var cell = tr.cells[index];
        var value = cell ? sortValue(cell) : "";
        if (value) values.push(value);
      });
    });
    return values.length > 0 &&
      values.every(function (v) { return ISO_DATE.test(v); }) &&
      values.some(function (v) { return v.indexOf("-") !== -1; });
  }

  function makeSortable(table) {
    if (typeof window.Tablesort !== "function") return;
    var row = headerRow(table);
    if (!row) return;
    registerIsoDate();
    Array.prototype.forEach.call(row.cells, function (th) {
      if (!th.hasAttribute("data-sort-method") && isDateColumn(table, th.cellIndex)) {
        th.setAttribute("data-sort-method", "isodate");
      }
    });
    new window.Tablesort(table);
    Array.prototype.forEach.call(row.cells, function (th) {
      // tablesort sets role="columnheader", which a <th scope="col"> has already; kept, it
      // would restyle the headers now (Material styles that role) and lay out the page.
      th.removeAttribute("role");
      if (th.getAttribute("data-sort-method") === "none") {
        th.removeAttribute("tabindex"); // not sortable: no tab stop
        return;
      }
      th.tabIndex = 0; // tablesort does this too; keep it if a future version does not
      th.addEventListener("keydown", function (event) {
        // tablesort handles Enter; Space activates a control as well.
        if (event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          th.click();
        }
      });
    });
  }

  function normalise(text) {
    return text.replace(/\s+/g, " ").trim().toLowerCase();
  }

  function makeFilterable(table) {
    var base = table.id + "-filter";
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.push.apply(rows, body.rows);
    });

    // The generator writes the box (markup.py, Writer.filter_box), so that it is there
    // at the first layout: inserted now, it would restyle the whole table after it.
    var input = document.getElementById(base);
    var status = document.getElementById(base + "-status");
    if (!input || !status) return;

    var texts = rows.map(function (tr) { return normalise(tr.textContent || ""); });
    var last = null;
    function update() {
      var query = normalise(input.value);
      if (query === last) return;
      last = query;
      var shown = 0;
      rows.forEach(function (tr, i) {
        var match = query === "" || texts[i].indexOf(query) !== -1;
        tr.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = shown + " of " + rows.length + " rows shown";
    }
    // The generator writes the status as it is before any filtering.
    input.addEventListener("input", update);
    input.addEventListener("search", update); // Escape or the clear button
  }

  // "Where I live": one section per place, each naming itself and its other names in
  // data-names ("united kingdom|uk|britain|england"). A place matches when one of its
  // names, or a word in one, starts with the query: "britain" finds the United Kingdom,
  // "us" the United States and not Australia.
  function makePlaceFilter(list) {
    var places = Array.prototype.slice.call(list.querySelectorAll("[data-names]"));
    var names = places.map(function (place) {
      return place.getAttribute("data-names").split("|").map(normalise);
    });
    // Written by the generator, like a table's box.
    var input = document.getElementById("place-filter");
    var status = document.getElementById("place-filter-status");
    if (!input || !status) return;

    function matches(query, own) {
      return own.some(function (name) {
        return name.indexOf(query) === 0 || name.split(/[\s(),.]+/).some(function (word) {
          return word && word.indexOf(query) === 0;
        });
      });
    }
    function update() {
      var query = normalise(input.value).replace(/\./g, "");
      var shown = 0;
      places.forEach(function (place, i) {
        var match = query === "" || matches(query, names[i].map(function (n) {
          return n.replace(/\./g, "");
        }));
        place.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = shown + " of " + places.length + " places shown";
    }
    input.addEventListener("input", update);
    input.addEventListener("search", update);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-place-list]"), makePlaceFilter);
    var tables = document.querySelectorAll("table.data-table");
    if (!tables.length) return;
    Array.prototype.forEach.call(tables, function (table) {
      makeSortable(table);
      if (table.classList.contains("filterable")) makeFilterable(table);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
