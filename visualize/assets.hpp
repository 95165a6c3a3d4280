#pragma once
// The viewer's page, style sheet and script, embedded at build time from visualize/assets/
// (visualize/assets/embed.cmake) so that the HTML export needs no file at run time.
#include <string_view>

namespace mailsim::viz::assets {

std::string_view page_html();   // {{LANG}} {{CSP}} {{TITLE}} {{CSS}} {{DATA}} {{JS}}
std::string_view viewer_css();
// Every script of visualize/assets/ (lib/*.js, view/*.js) in one strict-mode closure, as
// embedded in the page.
std::string_view viewer_script();
// base64 of the SHA-256 of viewer_script(), for the Content-Security-Policy.
std::string_view viewer_script_sha256();

}  // namespace mailsim::viz::assets
