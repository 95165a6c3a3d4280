#pragma once
// What the paper formats share (handout, worksheet, answer key): an A4 HTML page, Markdown
// cells, the network drawn as a small SVG with some hosts lit, and one line of the trace told
// with its actor, its peer and what it means.
#include <set>
#include <string>
#include <string_view>

#include "visualize/model.hpp"
#include "visualize/visualize.hpp"

namespace mailsim::viz {

// <!DOCTYPE html> … <body>, with the shared print style sheet plus `css`.
std::string paper_head(std::string_view title, Lang, std::string_view css = {});
// A Markdown table cell or a line of text: protocol text in a code span, | and newlines escaped.
std::string md_code(std::string_view);
std::string md_text(std::string_view);
// The network as inline SVG (HTML pages), the hosts in `lit` and the routes between
// consecutive pairs of `hops` drawn bold.
std::string network_svg(const Model&, const std::set<std::string>& lit,
                        const std::vector<std::pair<std::string, std::string>>& hops);
// "MUA@pc-alice → MSA@mail.example.org" (or just the actor).
std::string who(const Ev&);
// What the line means, from the explanation table (first key that explains it), or "".
std::string meaning(const std::vector<std::string>& keys, Lang);

std::string render_handout(const Model&, const Options&, bool markdown);
std::string render_worksheet(const Model&, const Options&, bool markdown, bool sheet, bool key);

}  // namespace mailsim::viz
