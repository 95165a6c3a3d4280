// The page skeleton. Placeholders are filled by render_html() in one pass, so text coming
// from the trace is never scanned for placeholders again.
#include "visualize/assets.hpp"

namespace mailsim::viz::assets {

std::string_view page_html() {
  return R"HTML(<!DOCTYPE html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{CSP}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>{{CSS}}</style>
</head>
<body>
<header>
  <h1><span id="scenario-name">{{TITLE}}</span><small data-i18n="viewer"></small></h1>
  <span id="restricted" hidden></span>
  <div class="filters">
    <label><span data-i18n="protocol"></span><select id="f-protocol"></select></label>
    <label><span data-i18n="host"></span><select id="f-host"></select></label>
    <label><span data-i18n="message"></span><select id="f-message"></select></label>
    <label><input type="checkbox" id="f-failures"><span data-i18n="failures_only"></span></label>
  </div>
  <div class="lang" role="group">
    <button id="lang-en" lang="en" aria-pressed="false">English</button>
    <button id="lang-es" lang="es" aria-pressed="false">Español</button>
  </div>
</header>
<nav id="controls">
  <button id="b-first" data-i18n-title="first">⇤</button>
  <button id="b-prev-step" data-i18n-title="prev_step" data-i18n="btn_prev_step"></button>
  <button id="b-prev" data-i18n-title="prev_event" data-i18n="btn_prev"></button>
  <button id="b-play" data-i18n-title="play"></button>
  <button id="b-next" data-i18n-title="next_event" data-i18n="btn_next"></button>
  <button id="b-next-step" data-i18n-title="next_step" data-i18n="btn_next_step"></button>
  <button id="b-last" data-i18n-title="last">⇥</button>
  <span class="sep"></span>
  <label><span data-i18n="speed"></span> <select id="speed"></select></label>
  <span class="sep"></span>
  <label><span data-i18n="jump_time"></span> <input id="jump" type="text" inputmode="decimal" data-i18n-placeholder="jump_hint"></label>
  <button id="b-jump" data-i18n="go"></button>
  <span class="sep"></span>
  <button id="b-failure" data-i18n-title="next_failure"></button>
  <span id="pos" aria-live="polite"></span>
</nav>
<div id="narration" aria-live="polite"><span id="step-label"></span><span id="step-text"></span></div>
<main>
  <section id="left">
    <div id="topo-wrap">
      <h2 data-i18n="topology"></h2>
      <svg id="topo" viewBox="0 0 720 380" preserveAspectRatio="xMidYMid meet" role="img"></svg>
      <div id="topo-caption"></div>
    </div>
    <div id="tabs" role="tablist">
      <button data-tab="details" data-i18n="tab_details" role="tab"></button>
      <button data-tab="message" data-i18n="tab_message" role="tab"></button>
      <button data-tab="mailboxes" data-i18n="tab_mailboxes" role="tab"></button>
      <button data-tab="events" data-i18n="tab_events" role="tab"></button>
      <button data-tab="help" data-i18n="tab_help" role="tab"></button>
    </div>
    <div id="panel-details" class="panel" role="tabpanel"></div>
    <div id="panel-message" class="panel" role="tabpanel" hidden></div>
    <div id="panel-mailboxes" class="panel" role="tabpanel" hidden></div>
    <div id="panel-events" class="panel" role="tabpanel" hidden><p id="ev-count" class="muted"></p><div id="ev-list"><div id="ev-spacer"></div></div></div>
    <div id="panel-help" class="panel" role="tabpanel" hidden></div>
  </section>
  <section id="right">
    <h2 data-i18n="sequence"></h2>
    <div id="legend"></div>
    <div id="seq-scroll" tabindex="-1">
      <div id="seq-head"><svg id="seq-head-svg"></svg></div>
      <div id="seq-body"><svg id="seq-svg"></svg></div>
      <div id="empty" hidden data-i18n="no_events"></div>
    </div>
  </section>
</main>
<script type="application/json" id="mailsim-data">{{DATA}}</script>
<script>{{JS}}</script>
</body>
</html>
)HTML";
}

}  // namespace mailsim::viz::assets
