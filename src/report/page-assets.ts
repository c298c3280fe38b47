/*
 * The report's only stylesheet and script, inlined into the page. The page's Content Security
 * Policy allows exactly these two by hash and nothing else (no network, no other code).
 */

/** Sorts `table.sortable` by a header click: numbers by `data-sort`, text by its content; empty cells last either way. */
export const SORT_SCRIPT = `
(function () {
  function key(row, col) {
    var cell = row.cells[col];
    var value = cell.getAttribute('data-sort');
    return value === null ? cell.textContent.trim() : value;
  }
  function sortTable(table, col, numeric, th) {
    var heads = table.tHead.rows[0].cells;
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    var sign = dir === 'ascending' ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) { return { row: row, index: index, key: key(row, col) }; });
    rows.sort(function (a, b) {
      var ea = a.key === '', eb = b.key === '';
      if (ea || eb) return ea === eb ? a.index - b.index : ea ? 1 : -1;
      var c = numeric ? Number(a.key) - Number(b.key) : a.key.localeCompare(b.key);
      return c !== 0 ? sign * c : a.index - b.index;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }
  var tables = document.querySelectorAll('table.sortable');
  for (var t = 0; t < tables.length; t++) {
    (function (table) {
      var heads = table.tHead.rows[0].cells;
      for (var c = 0; c < heads.length; c++) {
        (function (th, col) {
          var button = th.querySelector('button');
          if (!button) return;
          button.addEventListener('click', function () { sortTable(table, col, th.getAttribute('data-type') === 'number', th); });
        })(heads[c], c);
      }
    })(tables[t]);
  }
})();
`;

/** The page's CSS: a quiet, print-friendly layout; charts use SVG presentation attributes. */
export const PAGE_STYLE = `
:root { color-scheme: light; --text: #222; --muted: #666; --line: #ddd; --soft: #f0a202; --strong: #b2182b; --pass: #1a9850; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--text); background: #f4f5f7; }
header, main { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; }
h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
p.lead, .muted { color: var(--muted); }
code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #eceef1; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; }
.panel-box { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.charts-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 16px; }
.task-card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 12px 8px; }
.task-card .meta { color: var(--muted); font-size: 12px; margin: 2px 0 6px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; color: #fff; background: #9a9a9a; border-radius: 10px; padding: 1px 8px; margin-left: 6px; vertical-align: 2px; }
.badge[data-outcome="solved"] { background: #1a9850; }
.badge[data-outcome="unsolved"] { background: #d6604d; }
.badge[data-outcome="stopped"] { background: #8f8f8f; }
td .badge { margin-left: 0; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.task-name { white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \\2195"; color: #aaa; font-weight: 400; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: #222; }
th[aria-sort="descending"] button::after { content: " \\2193"; color: #222; }
tbody tr:hover { background: #f6f8fb; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: #444; margin: 8px 0 14px; align-items: center; }
.legend svg { vertical-align: middle; margin-right: 4px; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: 11px; fill: #444; }
svg text.axis-title, svg text.strip-label { fill: #666; font-size: 11px; }
svg text.chart-title { font-size: 13px; font-weight: 600; fill: #222; }
svg text.group-label { font-size: 12px; fill: #222; }
svg text.empty-note { fill: #888; font-style: italic; }
svg text.pass-check { font-size: 11px; font-weight: 700; fill: #fff; }
svg text.threshold-label { fill: #b2182b; font-size: 10px; }
footer { max-width: 1320px; margin: 32px auto; padding: 0 24px; color: var(--muted); font-size: 12px; }
`;
