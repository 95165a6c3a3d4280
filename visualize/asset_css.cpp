// Style sheet of the viewer. Sized for a projector: large type, strong contrast, colour never
// the only cue (failures also carry a warning sign).
#include "visualize/assets.hpp"

namespace mailsim::viz::assets {

std::string_view viewer_css() {
  return R"CSS(
:root { --fail: #c62828; --ink: #1a1a1a; --muted: #5f6368; --line: #d0d4d9; --bg: #fafafa; --panel: #ffffff;
  --s1: #7b1fa2; --s2: #1565c0; --s3: #00838f; --s4: #2e7d32; --s5: #ef6c00; --s6: #6d4c41; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; font: 15px/1.35 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); background: var(--bg);
  display: flex; flex-direction: column; overflow: hidden; }
button, select, input { font: inherit; }
button { cursor: pointer; border: 1px solid #b0b6bd; background: #fff; border-radius: 6px; padding: 3px 9px; }
button:hover { background: #eef3f8; }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #1565c0; outline-offset: 1px; }
button[aria-pressed="true"] { background: #1565c0; color: #fff; border-color: #1565c0; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; padding: 6px 12px;
  background: #263238; color: #fff; }
header h1 { font-size: 18px; margin: 0; font-weight: 600; }
header h1 small { font-weight: 400; color: #b0bec5; margin-left: 8px; font-size: 13px; }
header label { font-size: 13px; display: inline-flex; gap: 4px; align-items: center; }
header select { max-width: 220px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.lang { margin-left: auto; display: flex; gap: 4px; }
#restricted { background: #ffe082; color: #3e2723; border-radius: 4px; padding: 1px 8px; font-size: 13px; }
nav#controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 12px;
  background: #eceff1; border-bottom: 1px solid var(--line); }
nav#controls .sep { width: 1px; height: 24px; background: #b0b6bd; margin: 0 4px; }
#pos { font-variant-numeric: tabular-nums; margin-left: 6px; color: var(--muted); }
#jump { width: 8em; }
#b-failure { color: var(--fail); border-color: var(--fail); }
#b-failure[disabled] { color: #9e9e9e; border-color: #ccc; cursor: default; }
#narration { display: flex; gap: 12px; align-items: baseline; padding: 8px 14px; background: #fff;
  border-bottom: 1px solid var(--line); min-height: 3.1em; }
#step-label { flex: 0 0 auto; color: #fff; border-radius: 14px; padding: 2px 12px; font-weight: 700; font-size: 16px; }
#step-text { font-size: 16px; }
main { flex: 1; display: grid; grid-template-columns: minmax(340px, 40%) minmax(0, 1fr); min-height: 0; }
#left { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--line); }
#right { display: flex; flex-direction: column; min-height: 0; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 6px 10px 2px; }
#topo-wrap { flex: 0 0 44%; min-height: 200px; display: flex; flex-direction: column; background: #fff; }
#topo { flex: 1; width: 100%; min-height: 0; }
#topo-caption { font-size: 13px; color: var(--muted); padding: 0 10px 4px; min-height: 1.4em; }
.host-box { fill: #fff; stroke: #78909c; stroke-width: 1.5; }
.host.from .host-box { stroke: #0d47a1; stroke-width: 3.5; }
.host.to .host-box { stroke: #0d47a1; stroke-width: 3.5; stroke-dasharray: 5 3; }
.host.down .host-box { stroke: var(--fail); fill: #ffebee; }
.host text { font-size: 16px; fill: var(--ink); }
.host .addr, .host .roles { font-size: 13.5px; fill: var(--muted); }
.link { stroke: #90a4ae; stroke-width: 3; }
.link.down { stroke: var(--fail); stroke-dasharray: 8 6; }
.link.lossy { stroke: #ef6c00; stroke-dasharray: 3 4; }
.link.used { stroke: #1565c0; stroke-width: 5; }
.link-label { font-size: 12px; fill: var(--muted); }
.token-label { font-size: 15px; font-family: "DejaVu Sans Mono", monospace; paint-order: stroke; stroke: #fff; stroke-width: 4px; }
#tabs { display: flex; flex-wrap: wrap; gap: 2px; padding: 4px 8px 0; background: #eceff1; border-top: 1px solid var(--line); }
#tabs button { border-radius: 6px 6px 0 0; border-bottom: none; font-size: 14px; }
.panel { flex: 1; overflow: auto; padding: 8px 12px; background: #fff; min-height: 0; }
.panel[hidden] { display: none; }
.panel h3 { font-size: 15px; margin: 10px 0 4px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
pre, code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f7f9; border: 1px solid var(--line);
  border-radius: 4px; padding: 6px 8px; margin: 4px 0; }
.raw { font-size: 15px; font-weight: 600; }
.meaning { border-left: 4px solid #1565c0; padding: 2px 0 2px 8px; margin: 6px 0; }
.meaning .rfc { color: var(--muted); font-size: 13px; }
.alert { color: var(--fail); font-weight: 700; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-size: 12px; font-weight: 700; }
table.hdrs { border-collapse: collapse; width: 100%; font-size: 13px; }
table.hdrs td { border-bottom: 1px solid #eee; padding: 2px 6px; vertical-align: top; overflow-wrap: anywhere; }
table.hdrs td:first-child { font-weight: 600; white-space: nowrap; }
ol.hops { padding-left: 22px; }
ol.hops li { margin-bottom: 4px; }
.part { border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; margin: 4px 0 4px calc(var(--depth, 0) * 18px); }
.mbox { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.mbox ul { margin: 2px 0 4px; padding-left: 20px; }
.muted { color: var(--muted); }
#ev-list { position: relative; flex: 1; overflow: auto; font-size: 13px; }
#ev-list .row { position: absolute; left: 0; right: 0; height: 24px; line-height: 24px; padding: 0 8px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; border-bottom: 1px solid #f0f0f0; }
#ev-list .row.current { background: #fff59d; }
#ev-list .row.fail { color: var(--fail); }
#panel-events { display: flex; flex-direction: column; padding: 0; }
#panel-events[hidden] { display: none; }
#panel-events > p { margin: 4px 12px; }
#legend { display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0 10px 4px; font-size: 13px; }
#legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; background: var(--c); border-radius: 2px; }
#seq-scroll { flex: 1; overflow: auto; position: relative; background: #fff; }
#seq-head { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); }
#seq-body { position: relative; }
#seq-svg { position: absolute; left: 0; }
.seq-row { cursor: pointer; }
.seq-row:hover .row-bg { fill: #f1f8e9; }
.seq-row.current .row-bg { fill: #fff59d; }
.seq-row.current line.arrow { stroke-width: 3.5; }
.seq-row text { font-size: 12px; }
.seq-row text.label { font-family: "DejaVu Sans Mono", monospace; }
.seq-row.fail text.label { font-weight: 700; }
.life { stroke: #b0bec5; stroke-dasharray: 4 4; }
.part-box { fill: #eceff1; stroke: #607d8b; }
.part-agent { font-weight: 700; font-size: 13px; }
.part-host { font-size: 11px; fill: var(--muted); }
#empty { padding: 20px; color: var(--muted); }
kbd { border: 1px solid #b0b6bd; border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; font-size: 12px; background: #fff; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } #left { max-height: 50vh; } }
)CSS";
}

}  // namespace mailsim::viz::assets
