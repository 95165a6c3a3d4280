#include "cli/lib/scenario_schema.hpp"

#include <cmath>
#include <regex>
#include <set>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "cli/lib/embedded.hpp"

namespace mailsim::app {

using nlohmann::json;

namespace {

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool whole_double(double d) { return std::isfinite(d) && d == std::floor(d); }

std::string number_text(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (whole_double(d) && std::abs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  }
  return v.dump();
}

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "the text " + quote_text(v.get_ref<const std::string&>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "the number " + number_text(v);
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    default: return "a value";
  }
}

bool type_admits(const std::string& type, const json& v) {
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") return v.is_number_integer() || (v.is_number_float() && whole_double(v.get<double>()));
  if (type == "boolean") return v.is_boolean();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "null") return v.is_null();
  return false;
}

// Explains why a value fails a schema, in the schema's own terms. "Local" mode looks at the
// value itself and the keys of an object, not at what is inside: valijson reports each inner
// place separately and each is explained at its own pointer.
class Explainer {
 public:
  explicit Explainer(const json& root) : root_(root) {}

  const json& resolve(const json& s) const {
    const json* cur = &s;
    for (int i = 0; i < 32 && cur->is_object() && cur->contains("$ref"); ++i) {
      const auto& ref = (*cur)["$ref"];
      if (!ref.is_string() || ref.get<std::string>().rfind("#", 0) != 0) break;
      cur = &root_.at(json::json_pointer(ref.get<std::string>().substr(1)));
    }
    return *cur;
  }

  bool matches(const json& v, const json& s) const {
    std::vector<Diagnostic> sink;
    explain(v, s, "", sink, true);
    return sink.empty();
  }

  // The schema that applies to `token` inside a value described by `s`, or nullptr.
  const json* child(const json& s_in, const json& value, const std::string& token) const {
    const json& s = resolve(s_in);
    if (!s.is_object()) return nullptr;
    if (value.is_object()) {
      if (s.contains("properties") && s["properties"].contains(token)) return &s["properties"][token];
    } else if (value.is_array() && s.contains("items")) {
      return &s["items"];
    }
    for (const char* k : {"anyOf", "oneOf", "allOf"})
      if (s.contains(k))
        for (const auto& b : s[k]) {
          const json& rb = resolve(b);
          if (rb.contains("type") && !admits(rb, value)) continue;
          if (const json* c = child(rb, value, token)) return c;
        }
    return nullptr;
  }

  std::string expectation(const json& s_in) const {
    const json& s = resolve(s_in);
    if (!s.is_object()) return "";
    if (s.contains("title")) return s["title"].get<std::string>();
    if (s.contains("enum")) return "one of " + list(s["enum"]);
    if (s.contains("const")) return s["const"].dump();
    for (const char* k : {"anyOf", "oneOf"})
      if (s.contains(k)) {
        std::string out;
        for (const auto& b : s[k]) out += (out.empty() ? "" : " or ") + expectation(b);
        return out;
      }
    const std::string type = s.value("type", "");
    const std::string range = bounds(s);
    if (type == "string") return s.contains("maxLength") ? "text of at most " + number_text(s["maxLength"]) + " characters" : "text";
    if (type == "integer") return "a whole number" + range;
    if (type == "number") return "a number" + range;
    if (type == "boolean") return "true or false";
    if (type == "array") return "a list";
    if (type == "object") return "an object";
    return "";
  }

  void explain(const json& v, const json& s_in, const std::string& ptr, std::vector<Diagnostic>& out, bool deep,
               int depth = 0) const {
    if (depth > 64) return;
    const json& s = resolve(s_in);
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(err(ptr, "not allowed here"));
      return;
    }
    if (!s.is_object()) return;
    if (s.contains("type") && !admits(s, v)) {
      out.push_back(err(ptr, "found " + describe(v), expectation(s)));
      return;
    }
    if (s.contains("enum")) {
      bool found = false;
      for (const auto& e : s["enum"]) found |= e == v;
      if (!found) {
        std::vector<std::string> names;
        for (const auto& e : s["enum"])
          if (e.is_string()) names.push_back(e.get<std::string>());
        const auto guess = v.is_string() ? did_you_mean(v.get<std::string>(), names) : std::nullopt;
        out.push_back(err(ptr, describe(v) + " is not allowed here", "one of " + list(s["enum"]), guess.value_or("")));
        return;
      }
    }
    if (s.contains("const") && s["const"] != v) {
      out.push_back(err(ptr, "found " + describe(v), s["const"].dump()));
      return;
    }
    if (v.is_string()) explain_string(v.get_ref<const std::string&>(), s, ptr, out);
    if (v.is_number()) explain_number(v, s, ptr, out);
    if (v.is_array()) explain_array(v, s, ptr, out, deep, depth);
    if (v.is_object()) explain_object(v, s, ptr, out, deep, depth);
    for (const char* k : {"anyOf", "oneOf"})
      if (s.contains(k)) explain_choice(v, s, s[k], ptr, out, deep, depth);
    if (s.contains("allOf"))
      for (const auto& b : s["allOf"]) explain(v, b, ptr, out, deep, depth + 1);
    if (s.contains("if")) {
      if (matches(v, s["if"])) {
        if (s.contains("then")) explain(v, s["then"], ptr, out, deep, depth + 1);
      } else if (s.contains("else")) {
        explain(v, s["else"], ptr, out, deep, depth + 1);
      }
    }
  }

 private:
  static Diagnostic err(std::string ptr, std::string what, std::string expected = {}, std::string suggestion = {},
                        bool at_key = false) {
    return Diagnostic{Diagnostic::Severity::Error, std::move(ptr), std::move(what), std::move(expected),
                      std::move(suggestion), at_key, std::nullopt};
  }

  static std::string list(const json& values) {
    std::string out;
    for (const auto& e : values) out += (out.empty() ? "" : ", ") + e.dump();
    return out;
  }

  static std::string bounds(const json& s) {
    const bool lo = s.contains("minimum"), hi = s.contains("maximum");
    if (lo && hi) return " from " + number_text(s["minimum"]) + " to " + number_text(s["maximum"]);
    if (lo) return " of at least " + number_text(s["minimum"]);
    if (hi) return " of at most " + number_text(s["maximum"]);
    if (s.contains("exclusiveMinimum")) return " greater than " + number_text(s["exclusiveMinimum"]);
    return "";
  }

  bool admits(const json& s, const json& v) const {
    const json& t = s["type"];
    if (t.is_string()) return type_admits(t.get<std::string>(), v);
    if (t.is_array())
      for (const auto& x : t)
        if (x.is_string() && type_admits(x.get<std::string>(), v)) return true;
    return false;
  }

  void explain_string(const std::string& text, const json& s, const std::string& ptr, std::vector<Diagnostic>& out) const {
    const std::size_t n = utf8_length(text);
    if (s.contains("minLength") && n < s["minLength"].get<std::size_t>()) {
      out.push_back(err(ptr, n == 0 ? "empty text" : "text too short", expectation(s)));
      return;
    }
    if (s.contains("maxLength") && n > s["maxLength"].get<std::size_t>()) {
      out.push_back(err(ptr, "text too long (" + std::to_string(n) + " characters)",
                        "at most " + number_text(s["maxLength"]) + " characters"));
      return;
    }
    if (s.contains("pattern")) {
      const std::regex re(s["pattern"].get<std::string>());
      if (!std::regex_search(text, re)) out.push_back(err(ptr, describe(json(text)) + " is not valid", expectation(s)));
    }
  }

  void explain_number(const json& v, const json& s, const std::string& ptr, std::vector<Diagnostic>& out) const {
    const double d = v.get<double>();
    const bool low = (s.contains("minimum") && d < s["minimum"].get<double>()) ||
                     (s.contains("exclusiveMinimum") && d <= s["exclusiveMinimum"].get<double>());
    const bool high = (s.contains("maximum") && d > s["maximum"].get<double>()) ||
                      (s.contains("exclusiveMaximum") && d >= s["exclusiveMaximum"].get<double>());
    if (low || high) out.push_back(err(ptr, number_text(v) + (low ? " is too small" : " is too large"), expectation(s)));
  }

  void explain_array(const json& v, const json& s, const std::string& ptr, std::vector<Diagnostic>& out, bool deep,
                     int depth) const {
    if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
      out.push_back(err(ptr, v.empty() ? "the list is empty" : "too few items (" + std::to_string(v.size()) + ")",
                        "at least " + number_text(s["minItems"])));
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>())
      out.push_back(err(ptr, "too many items (" + std::to_string(v.size()) + ")", "at most " + number_text(s["maxItems"])));
    if (deep && s.contains("items"))
      for (std::size_t i = 0; i < v.size(); ++i) explain(v[i], s["items"], ptr + "/" + std::to_string(i), out, deep, depth + 1);
  }

  void explain_object(const json& v, const json& s, const std::string& ptr, std::vector<Diagnostic>& out, bool deep,
                      int depth) const {
    const json empty = json::object();
    const json& props = s.contains("properties") ? s["properties"] : empty;
    if (s.contains("required"))
      for (const auto& k : s["required"]) {
        const std::string key = k.get<std::string>();
        if (v.contains(key)) continue;
        std::string expected = props.contains(key) ? expectation(props[key]) : "";
        if (expected.empty() && props.contains(key)) expected = first_sentence(resolve(props[key]).value("description", props[key].value("description", "")));
        out.push_back(err(ptr + "/" + escape_pointer_token(key), "missing (required)", expected));
      }
    if (s.contains("minProperties") && v.size() < s["minProperties"].get<std::size_t>())
      out.push_back(err(ptr, "empty object", "at least one of: " + keys_of(props)));
    const bool closed = s.contains("additionalProperties") && s["additionalProperties"] == false;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string child_ptr = ptr + "/" + escape_pointer_token(it.key());
      if (props.contains(it.key())) {
        if (deep) explain(it.value(), props[it.key()], child_ptr, out, deep, depth + 1);
      } else if (closed) {
        std::vector<std::string> names;
        for (auto p = props.begin(); p != props.end(); ++p) names.push_back(p.key());
        const auto guess = did_you_mean(it.key(), names);
        out.push_back(err(child_ptr, "unknown key " + quote_text(it.key()), "one of: " + keys_of(props), guess.value_or(""), true));
      }
    }
  }

  void explain_choice(const json& v, const json& s, const json& branches, const std::string& ptr,
                      std::vector<Diagnostic>& out, bool deep, int depth) const {
    std::vector<const json*> same_type;
    for (const auto& b : branches) {
      if (matches(v, b)) return;
      if (branch_admits(resolve(b), v)) same_type.push_back(&b);
    }
    if (same_type.size() == 1) {
      const std::size_t before = out.size();
      explain(v, *same_type.front(), ptr, out, deep, depth + 1);
      // A branch says what is wrong; the choice as a whole says best what is expected.
      if (s.contains("title"))
        for (std::size_t i = before; i < out.size(); ++i)
          if (out[i].pointer == ptr) out[i].expected = s["title"].get<std::string>();
      return;
    }
    out.push_back(err(ptr, "found " + describe(v), expectation(s)));
  }

  // Whether a branch of anyOf is about values of v's JSON type (by "type", or by the values
  // of "enum"/"const"), so that its explanation fits.
  bool branch_admits(const json& b, const json& v) const {
    if (!b.is_object()) return true;
    if (b.contains("type")) return admits(b, v);
    auto same_kind = [&](const json& x) { return x.type() == v.type() || (x.is_number() && v.is_number()); };
    if (b.contains("const")) return same_kind(b["const"]);
    if (b.contains("enum")) {
      for (const auto& e : b["enum"])
        if (same_kind(e)) return true;
      return false;
    }
    return true;
  }

  static std::string keys_of(const json& props) {
    std::string out;
    for (auto p = props.begin(); p != props.end(); ++p)
      if (p.key() != "$comment") out += (out.empty() ? "" : ", ") + p.key();
    return out;
  }

  static std::string first_sentence(const std::string& text) {
    const auto dot = text.find(". ");
    std::string s = dot == std::string::npos ? text : text.substr(0, dot);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s.size() > 100 ? s.substr(0, 100) + "…" : s;
  }

  const json& root_;
};

struct CompiledSchema {
  json doc;
  valijson::Schema schema;
};

const CompiledSchema& compiled() {
  static const CompiledSchema* c = [] {
    auto* out = new CompiledSchema;
    for (const auto& f : embedded_schemas())
      if (f.name == "scenario.schema.json") out->doc = json::parse(f.data);
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(out->doc);
    parser.populateSchema(adapter, out->schema);
    return out;
  }();
  return *c;
}

std::string pointer_of(const std::vector<std::string>& context) {
  std::string ptr;
  for (const auto& c : context) {
    if (c == "<root>") continue;
    const std::string token = c.size() >= 2 && c.front() == '[' && c.back() == ']' ? c.substr(1, c.size() - 2) : c;
    ptr += "/" + escape_pointer_token(token);
  }
  return ptr;
}

}  // namespace

const json& scenario_schema() { return compiled().doc; }

void check_scenario_schema(const json& doc, Diagnostics& diag) {
  const CompiledSchema& c = compiled();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(c.schema, target, &results)) return;

  const Explainer ex(c.doc);
  std::set<std::string> already;  // places the limits check reported (over-long or control characters)
  for (const auto& d : diag.items())
    if (d.severity == Diagnostic::Severity::Error) already.insert(d.pointer);
  std::vector<std::string> pointers;
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> raw;
  for (const auto& e : results) {
    const std::string ptr = pointer_of(e.context);
    raw.emplace_back(ptr, e.description);
    if (seen.insert(ptr).second) pointers.push_back(ptr);
  }
  std::size_t explained = 0;
  for (const auto& ptr : pointers) {
    // The schema for this place: walk from the root, choosing the branch that fits the value.
    const json* s = &c.doc;
    const json* v = &doc;
    std::string walked;
    bool ok = true;
    std::size_t pos = 1;
    while (ok && pos <= ptr.size() && !ptr.empty()) {
      const std::size_t next = std::min(ptr.find('/', pos), ptr.size());
      std::string token = ptr.substr(pos, next - pos);
      for (std::size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
      for (std::size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
      const json* cs = ex.child(*s, *v, token);
      if (!cs) {
        ok = false;
        break;
      }
      if (v->is_object() && v->contains(token)) v = &(*v)[token];
      else if (v->is_array() && !token.empty() && token.size() < 10 &&
               token.find_first_not_of("0123456789") == std::string::npos && std::stoul(token) < v->size())
        v = &(*v)[std::stoul(token)];
      else ok = false;
      s = cs;
      pos = next + 1;
    }
    if (!ok) continue;
    std::vector<Diagnostic> found;
    ex.explain(*v, *s, ptr, found, false);
    for (auto& d : found) {
      ++explained;
      if (!already.count(d.pointer)) diag.add(std::move(d));
    }
  }
  if (explained == 0)  // never hide a refusal: fall back to the validator's own words
    for (const auto& [ptr, what] : raw) diag.error(ptr, what);
}

}  // namespace mailsim::app
