#pragma once
// The viewer's page, style sheet and scripts, kept as C++ raw strings (one asset per
// asset_*.cpp file) so that the HTML export needs no file at run time.
#include <string>
#include <string_view>

namespace mailsim::viz::assets {

std::string_view page_html();   // {{LANG}} {{CSP}} {{TITLE}} {{CSS}} {{DATA}} {{JS}}
std::string_view viewer_css();
std::string_view js_core();      // data, state, filters, navigation, keyboard, playback
std::string_view js_sequence();  // the windowed sequence diagram and its legend
std::string_view js_topology();  // the network picture and the moving message
std::string_view js_panels();    // details, event list, mailboxes, help
std::string_view js_inspector(); // message parsing: headers, Received chain, MIME parts

// Every script above in one strict-mode closure, as embedded in the page.
std::string viewer_script();

}  // namespace mailsim::viz::assets
