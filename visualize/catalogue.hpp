#pragma once
// The words of the lesson: one catalogue per language (catalogue_en.cpp, catalogue_es.cpp),
// each a table from a key to a template with {named} placeholders. Every sentence the
// narration, the viewer's captions and the run summary say comes from here; facts fill the
// placeholders. A test checks that both languages have every key the renderers ask for.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

using Phrases = std::vector<std::pair<std::string_view, std::string_view>>;
const Phrases& phrases_en();
const Phrases& phrases_es();

// The template for `key`; throws std::out_of_range naming the key when it is missing.
std::string_view phrase(Lang lang, std::string_view key);
bool has_phrase(Lang lang, std::string_view key);

// Replaces every {name} in `tpl` by its value; an unknown name is an error (out_of_range),
// so that a template can never show a raw placeholder to a class. {Name} (upper-case
// initial) inserts the value of {name} with its first letter made upper-case.
std::string fill(std::string_view tpl, const std::map<std::string, std::string>& values);

// The placeholder names a template uses (lower-case), in order.
std::vector<std::string> placeholders(std::string_view tpl);

// phrase() then fill().
std::string say(Lang lang, std::string_view key, const std::map<std::string, std::string>& values = {});

// Every key a renderer may ask for (for the completeness test).
std::vector<std::string> required_phrase_keys();

}  // namespace mailsim::viz
