#pragma once
// The HTML report's stylesheet, inlined into every report (html_report.cpp). The colours and
// badges follow the web UI's (web/style.css), so a report reads like the run page.

namespace chaos::report {

inline constexpr const char* kHtmlReportStyle = R"css(
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { padding: 16px 20px 40px; max-width: 1200px; margin: 0 auto; }
section, header { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
h1 { margin: 4px 0 8px; font-size: 21px; }
h2 { margin: 4px 0 8px; font-size: 16px; }
h3 { margin: 10px 0 4px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); font-size: 12.5px; }
.desc { white-space: pre-wrap; color: #374151; }
.verdict-line { font-size: 16px; margin: 8px 0; }
.badge { display: inline-block; border-radius: 4px; padding: 1px 8px; font-weight: 600; font-size: 12.5px; background: #e5e7eb; }
.v-passed, .o-ok { background: #d1fae5; color: #065f46; }
.v-deviated, .o-failed { background: #fee2e2; color: #991b1b; }
.v-aborted { background: #fef3c7; color: #92400e; }
.v-errored, .o-error, .v-interrupted { background: #fce7f3; color: #9d174d; }
.v-not_steady, .o-inconclusive { background: #e0e7ff; color: #3730a3; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.warning { background: #fef2f2; border-color: #fca5a5; }
figure { margin: 0 0 14px; }
figcaption { font-weight: 600; margin-bottom: 2px; }
details.other-series summary { cursor: pointer; font-weight: 600; margin: 6px 0 10px; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 6px 18px; }
svg.chart { width: 100%; height: auto; display: block; font: 11px system-ui, sans-serif; }
svg.chart .plot { fill: #fff; stroke: var(--line); }
svg.chart .grid { stroke: #f1f5f9; }
svg.chart .y-tick { text-anchor: end; fill: var(--muted); }
svg.chart .x-tick, svg.chart .x-label { text-anchor: middle; fill: var(--muted); }
svg.chart .series { fill: none; stroke: #2563eb; stroke-width: 1.5; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .fault-window { fill: rgba(239, 68, 68, 0.14); }
svg.chart .fault-label { fill: rgba(185, 28, 28, 0.9); }
svg.chart .failed-reading { fill: #dc2626; }
svg.chart .threshold { stroke: #b45309; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.chart .threshold-label { fill: #b45309; text-anchor: end; }
tr.ev-fault_start td, tr.ev-fault_stop td { background: #fef2f2; }
tr.ev-abort td, tr.ev-verdict td { font-weight: 600; }
.fault-status th { width: 170px; text-transform: none; font-size: 13px; }
pre.source { background: #0f172a; color: #e2e8f0; padding: 12px; border-radius: 6px; overflow: auto; font-size: 12.5px; }
code { font-size: 12.5px; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
)css";

}  // namespace chaos::report
