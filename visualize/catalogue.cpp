#include "visualize/catalogue.hpp"

#include <stdexcept>
#include <unordered_map>

#include "agents/trace/facts.hpp"

namespace mailsim::viz {

namespace {
using Index = std::unordered_map<std::string_view, std::string_view>;
const Index& index(Lang lang) {
  static const Index en = [] {
    Index i;
    for (const auto& [k, v] : phrases_en()) i.emplace(k, v);
    return i;
  }();
  static const Index es = [] {
    Index i;
    for (const auto& [k, v] : phrases_es()) i.emplace(k, v);
    return i;
  }();
  return lang == Lang::Es ? es : en;
}
}  // namespace

bool has_phrase(Lang lang, std::string_view key) { return index(lang).count(key) > 0; }

std::string_view phrase(Lang lang, std::string_view key) {
  const Index& i = index(lang);
  const auto it = i.find(key);
  if (it == i.end())
    throw std::out_of_range(std::string("no phrase \"") + std::string(key) + "\" in the " +
                            (lang == Lang::Es ? "Spanish" : "English") + " catalogue");
  return it->second;
}

std::string fill(std::string_view tpl, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(tpl.size() + 64);
  std::size_t pos = 0;
  while (pos < tpl.size()) {
    const std::size_t open = tpl.find('{', pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = tpl.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(tpl.substr(pos, open - pos));
    std::string name(tpl.substr(open + 1, close - open - 1));
    // {Server} is {server} with its first letter made upper-case (at the start of a sentence).
    const bool capital = !name.empty() && name[0] >= 'A' && name[0] <= 'Z';
    if (capital) name[0] = static_cast<char>(name[0] - 'A' + 'a');
    const auto it = values.find(name);
    if (it == values.end()) throw std::out_of_range("no value for {" + name + "} in \"" + std::string(tpl) + "\"");
    std::string v = it->second;
    if (capital && !v.empty() && v[0] >= 'a' && v[0] <= 'z') v[0] = static_cast<char>(v[0] - 'a' + 'A');
    out += v;
    pos = close + 1;
  }
  out.append(tpl.substr(pos));
  return out;
}

std::string say(Lang lang, std::string_view key, const std::map<std::string, std::string>& values) {
  return fill(phrase(lang, key), values);
}

std::vector<std::string> placeholders(std::string_view tpl) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = tpl.find('{', pos)) != std::string_view::npos) {
    const std::size_t close = tpl.find('}', pos);
    if (close == std::string_view::npos) break;
    std::string name(tpl.substr(pos + 1, close - pos - 1));
    if (!name.empty() && name[0] >= 'A' && name[0] <= 'Z') name[0] = static_cast<char>(name[0] - 'A' + 'a');
    out.push_back(std::move(name));
    pos = close + 1;
  }
  return out;
}

namespace {
template <class E>
void enum_keys(std::vector<std::string>& out) {
  for (auto n : trace::EnumNames<E>::names) out.push_back(std::string(trace::EnumNames<E>::type) + "." + std::string(n));
}
}  // namespace

std::vector<std::string> required_phrase_keys() {
  std::vector<std::string> k;
  // Every key either catalogue defines must exist in both; plus the enum words, which the
  // renderer builds from the vocabulary and so may be missing from both.
  for (const auto* table : {&phrases_en(), &phrases_es()})
    for (const auto& [key, v] : *table) k.push_back(std::string(key));
  enum_keys<trace::NetFailure>(k);
  enum_keys<trace::MxFailure>(k);
  enum_keys<trace::DeliveryProblem>(k);
  enum_keys<trace::PollProblem>(k);
  enum_keys<trace::MtaRole>(k);
  enum_keys<trace::Stage>(k);
  return k;
}

}  // namespace mailsim::viz
