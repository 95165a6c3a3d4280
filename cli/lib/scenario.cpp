// The scenario loader: text -> JSON (positions, depth limit) -> limits -> schema -> one
// parser per section -> plausibility warnings; every problem reported at once.
#include "cli/lib/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "cli/lib/json_text.hpp"
#include "cli/lib/scenario_schema.hpp"
#include "cli/lib/scenario_sections.hpp"
#include "sim/text.hpp"

namespace mailsim::app {

namespace detail {

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> text(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v && v->is_string()) return v->get<std::string>();
  return std::nullopt;
}

std::optional<double> number(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v && v->is_number()) return v->get<double>();
  return std::nullopt;
}

std::optional<bool> boolean(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v && v->is_boolean()) return v->get<bool>();
  return std::nullopt;
}

std::uint64_t whole(const json& obj, const char* key, std::uint64_t def, std::uint64_t lo, std::uint64_t hi) {
  const auto d = number(obj, key);
  if (!d || !(*d >= static_cast<double>(lo) && *d <= static_cast<double>(hi)) || *d != std::floor(*d)) return def;
  return static_cast<std::uint64_t>(*d);
}

std::vector<std::pair<std::string, std::string>> texts(const json& obj, const char* key, const std::string& ptr) {
  std::vector<std::pair<std::string, std::string>> out;
  const json* v = member(obj, key);
  if (!v) return out;
  const std::string p = ptr + "/" + key;
  if (v->is_string()) out.emplace_back(v->get<std::string>(), p);
  if (v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i)
      if ((*v)[i].is_string()) out.emplace_back((*v)[i].get<std::string>(), index_ptr(p, i));
  return out;
}

bool ascii_address(LoadContext& c, const std::string& address, const std::string& ptr) {
  for (unsigned char ch : address)
    if (ch >= 0x80) {
      c.diag.error(ptr, quote_text(address) + " has non-ASCII characters: internationalised addresses need SMTPUTF8 "
                   "(RFC 6531), which mailsim does not model, so no simulated server could take mail for it",
                   "an ASCII address such as \"jose@example.org\"");
      return false;
    }
  return true;
}

std::optional<sim::Time> duration(LoadContext& c, const json& obj, const char* key, const std::string& ptr,
                                  std::optional<sim::Time> def) {
  const json* v = member(obj, key);
  if (!v) return def;
  const std::string p = ptr + "/" + key;
  if (c.diag.has_error_at(p)) return std::nullopt;
  const auto d = parse_duration(*v);
  if (!d) {
    c.diag.error(p, shown(*v) + " is not a usable duration",
                 "a duration of at most 100 years, such as 30, \"250ms\", \"2h\" or \"5d\"");
    return std::nullopt;
  }
  return d;
}

std::string lower(std::string s) { return text::to_lower(s); }

std::string index_ptr(const std::string& base, std::size_t i) { return base + "/" + std::to_string(i); }

std::string shown(const json& v) { return v.is_string() ? quote_text(v.get<std::string>()) : v.dump(); }

std::vector<std::string> LoadContext::host_names() const {
  std::vector<std::string> out;
  for (const auto& h : s.hosts) out.push_back(h.name);
  return out;
}

std::vector<std::string> LoadContext::server_names() const {
  std::vector<std::string> out;
  for (const auto& sv : s.servers) out.push_back(sv.host);
  return out;
}

bool LoadContext::need_host(const std::string& name, const std::string& ptr) {
  if (host_index.count(name)) return true;
  if (diag.has_error_at(ptr) || broken_hosts) return false;
  diag.error(ptr, "host " + quote_text(name) + " is not declared in /hosts", "the name of a host in /hosts",
             did_you_mean(name, host_names()).value_or(""));
  return false;
}

bool LoadContext::need_server(const std::string& name, const std::string& ptr) {
  if (server_index.count(name)) return true;
  if (diag.has_error_at(ptr) || broken_servers || broken_hosts) return false;
  if (!host_index.count(name)) return need_host(name, ptr);
  diag.error(ptr, "host " + quote_text(name) + " runs no mail server", "a host named in /servers",
             did_you_mean(name, server_names()).value_or(""));
  return false;
}

}  // namespace detail

namespace {

using detail::json;

constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxShortText = 1024;  // any string but the long texts below
constexpr std::size_t kMaxKey = 256;
constexpr std::size_t kMaxShownErrors = 100;
constexpr std::uint64_t kMaxScenarioFile = 64u << 20;

// Keys whose values are free text (several lines, any length up to the schema's maximum);
// every other string is one line of at most kMaxShortText characters. The schema keeps its
// patterns on short strings only, so no regular expression ever runs over a long text.
bool long_text_key(const std::string& key) {
  return key == "body" || key == "text" || key == "description" || key == "en" || key == "es" || key == "$comment";
}

// Limits that must hold before anything else walks the document: over-long strings are
// reported and cut (so the schema's regular expressions see short text), control
// characters in one-line texts, over-long keys.
void check_limits(json& v, const std::string& ptr, bool long_text, Diagnostics& diag) {
  if (v.is_string()) {
    auto& s = v.get_ref<std::string&>();
    if (!long_text && s.size() > kMaxShortText) {
      diag.error(ptr, "text too long (" + std::to_string(s.size()) + " octets)",
                 "at most " + std::to_string(kMaxShortText) + " octets here");
      s.resize(kMaxShortText);
    } else if (!long_text) {
      const auto bad = std::find_if(s.begin(), s.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
      if (bad != s.end())
        diag.error(ptr, quote_text(s) + " contains a control character", "one line of text without control characters");
    }
    return;
  }
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) check_limits(v[i], detail::index_ptr(ptr, i), long_text, diag);
    return;
  }
  if (!v.is_object()) return;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string child = ptr + "/" + escape_pointer_token(it.key());
    if (it.key().size() > kMaxKey) diag.key_error(child, "key too long (" + std::to_string(it.key().size()) + " octets)");
    check_limits(it.value(), child, long_text_key(it.key()), diag);
  }
}

// Positions for people: each problem's line and column, found in one pass over the text.
// A missing key is shown at the object that lacks it.
void place(std::vector<Diagnostic>& items, std::string_view text) {
  std::set<std::string> wanted;
  for (const auto& d : items)
    for (std::string p = d.pointer;; p = p.substr(0, p.rfind('/'))) {
      wanted.insert(p);
      if (p.empty()) break;
    }
  const JsonScan scan = scan_json(text, wanted);
  for (auto& d : items) {
    if (d.pos) continue;
    for (std::string p = d.pointer;; p = p.substr(0, p.rfind('/'))) {
      const auto it = scan.where.find(p);
      if (it != scan.where.end()) {
        d.pos = d.at_key && p == d.pointer && it->second.key ? *it->second.key : it->second.value;
        break;
      }
      if (p.empty()) break;
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const TextPos pa = a.pos.value_or(TextPos{}), pb = b.pos.value_or(TextPos{});
    return pa.line != pb.line ? pa.line < pb.line : pa.col < pb.col;
  });
}

[[noreturn]] void fail_syntax(const std::string& file, const JsonSyntaxError& e) {
  std::string line = file + ":" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col) + ": " + e.what;
  if (!e.hint.empty()) line += "; " + e.hint;
  throw ScenarioError(line, 1);
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::filesystem::path& file, const LoadOptions& options) {
  const std::string name = file.string();
  ParsedJson parsed = parse_json_text(text, kMaxDepth);
  if (parsed.error) fail_syntax(name, *parsed.error);
  json& root = parsed.root;

  Diagnostics diag;
  for (const auto& dup : scan_json(text, {}).duplicate_keys)
    diag.add(Diagnostic{Diagnostic::Severity::Error, dup.pointer, "key written twice in the same object",
                        "each key once (the last one would win silently)", "", true, dup.key});
  check_limits(root, "", false, diag);
  check_scenario_schema(root, diag);

  Scenario s;
  s.file = file;
  detail::LoadContext c(s, diag, options, file.parent_path());
  if (root.is_object()) {
    detail::parse_general(root, c);
    detail::parse_hosts(root, c);
    detail::parse_links(root, c);
    detail::parse_dns(root, c);
    detail::parse_servers(root, c);
    detail::parse_users(root, c);
    detail::parse_messages(root, c);
    detail::parse_faults(root, c);
    detail::parse_traffic(root, c);
    if (diag.error_count() == 0) detail::check_plausibility(c);
  }

  auto& items = diag.items();
  place(items, text);
  if (diag.error_count() > 0) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& d : items) {
      if (d.severity != Diagnostic::Severity::Error) continue;
      if (++shown > kMaxShownErrors) break;
      out += format_diagnostic(d, name) + "\n";
    }
    const std::size_t n = diag.error_count();
    if (n > kMaxShownErrors) out += name + ": … and " + std::to_string(n - kMaxShownErrors) + " more errors\n";
    out += name + ": " + std::to_string(n) + (n == 1 ? " error" : " errors") + ": not a valid scenario";
    throw ScenarioError(out, n);
  }
  for (const auto& d : items) s.warnings.push_back(format_diagnostic(d, name));
  return s;
}

Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) throw ScenarioError(file.string() + ": cannot open the file (no such file)");
  if (!std::filesystem::is_regular_file(status))
    throw ScenarioError(file.string() + ": not a regular file (a scenario is a JSON file)");
  if (std::filesystem::file_size(file, ec) > kMaxScenarioFile)
    throw ScenarioError(file.string() + ": file is larger than 64 MiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file.string() + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxScenarioFile) throw ScenarioError(file.string() + ": file is larger than 64 MiB");
  return parse_scenario(text.str(), file, options);
}

}  // namespace mailsim::app
