/** The report's inline stylesheet: system fonts only, readable at ~1000 px and in print. */
export const reportCss = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d9dee5; --bg-alt: #f5f7fa; --accent: #0072B2; --best: #e7f3ea; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle, .note, figcaption, caption { color: var(--muted); font-size: 13.5px; }
.meta { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
nav { margin: 10px 0 0; font-size: 13.5px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 16px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; padding: 0 0 6px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--bg-alt); font-weight: 600; border-bottom: 2px solid var(--line); white-space: nowrap; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na { color: var(--muted); cursor: help; }
.ci { display: block; color: var(--muted); font-size: 11.5px; }
tr.model-head th { background: #eef3f8; font-weight: 600; color: var(--accent); }
tr.best { background: var(--best); }
tr.best th { box-shadow: inset 4px 0 0 #009E73; }
.badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; background: #009E73; color: #fff; font-size: 11px; font-weight: 600; vertical-align: 1px; }
tr.sub th { font-weight: 400; padding-left: 26px; color: var(--muted); }
.balance { display: inline-block; width: 60px; height: 8px; margin-left: 8px; background: var(--bg-alt); border: 1px solid var(--line); vertical-align: 0; }
.balance span { display: block; height: 100%; background: #D55E00; }
.scroll { overflow-x: auto; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
figure.chart-box { margin: 12px 0 22px; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 4px 18px; }
.small-multiples figure.chart-box { margin: 4px 0 8px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 960px; font-family: inherit; }
svg.chart .chart-title { font-size: 15px; font-weight: 600; fill: var(--ink); }
svg.chart .tick, svg.chart .legend { font-size: 12px; fill: #3a414a; }
svg.chart .axis-title { font-size: 12.5px; fill: var(--muted); }
svg.chart .grid { stroke: #e8ebef; stroke-width: 1; }
svg.chart .axis { stroke: #6b7480; stroke-width: 1; }
svg.chart .na { font-size: 10px; fill: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;
