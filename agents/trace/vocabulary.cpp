#include "agents/trace/vocabulary.hpp"

#include <nlohmann/json.hpp>
#include <type_traits>

namespace mailsim::trace {

// ---- names ----

const char* to_string(Agent a) {
  static constexpr const char* names[] = {"MUA", "MSA", "MTA", "MDA", "POP3", "DNS", "NET"};
  return names[static_cast<int>(a)];
}
const char* to_string(Protocol p) {
  static constexpr const char* names[] = {"none", "SMTP", "POP3", "DNS"};
  return names[static_cast<int>(p)];
}
const char* to_string(Direction d) {
  static constexpr const char* names[] = {"none", "request", "response"};
  return names[static_cast<int>(d)];
}
const char* to_string(Alert a) {
  static constexpr const char* names[] = {"none", "transient", "permanent"};
  return names[static_cast<int>(a)];
}
const char* to_string(Kind k) {
  static constexpr const char* names[] = {"line", "content", "fact"};
  return names[static_cast<int>(k)];
}
const char* step_name(Step s) {
  static constexpr const char* names[] = {"compose", "submit", "relay", "accept", "deliver", "retrieve"};
  return names[static_cast<int>(s) - 1];
}

std::optional<Agent> agent_from(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(Agent::NET); ++i)
    if (s == to_string(static_cast<Agent>(i))) return static_cast<Agent>(i);
  return std::nullopt;
}
std::optional<Protocol> protocol_from(std::string_view s) {
  for (int i = 1; i <= static_cast<int>(Protocol::DNS); ++i)
    if (s == to_string(static_cast<Protocol>(i))) return static_cast<Protocol>(i);
  return std::nullopt;
}

const char* fact_name(const Fact& f) {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::name; }, f);
}

namespace {
template <std::size_t... I>
std::vector<std::string_view> names_of(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, Fact>::name...};
}
}  // namespace

std::vector<std::string_view> all_fact_names() { return names_of(std::make_index_sequence<kFactCount>{}); }

// ---- the step and alert rules ----

namespace {
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

Alert by_code(int code) { return code >= 500 ? Alert::Permanent : code >= 400 ? Alert::Transient : Alert::None; }
}  // namespace

std::optional<Step> step_of(const Fact& f) {
  using S = std::optional<Step>;
  return std::visit(
      Overload{
          [](const Composed&) -> S { return Step::Compose; },
          [](const SubmissionAccepted&) -> S { return Step::Submit; },
          [](const SubmissionFailed&) -> S { return Step::Submit; },
          [](const RecipientChecked& x) -> S { return x.submission ? Step::Submit : Step::Accept; },
          [](const MessageRefused& x) -> S { return x.submission ? Step::Submit : Step::Accept; },
          [](const LiveMessage& x) -> S { return x.submission ? Step::Submit : Step::Accept; },
          [](const AuthFailed& x) -> S { return x.pop3 ? Step::Retrieve : Step::Submit; },
          [](const ClientThrottled& x) -> S {
            return x.port == 110 ? Step::Retrieve : x.port == 587 ? Step::Submit : Step::Accept;
          },
          [](const TimedOut& x) -> S { return x.submission ? Step::Submit : Step::Relay; },
          [](const Deferred& x) -> S { return x.local ? Step::Deliver : Step::Relay; },
          [](const Failed& x) -> S { return x.local ? Step::Deliver : Step::Relay; },
          [](const MessageAccepted&) -> S { return Step::Accept; },
          [](const ExternalAccepted&) -> S { return Step::Accept; },
          [](const LoopDetected&) -> S { return Step::Accept; },
          [](const Delivered&) -> S { return Step::Deliver; },
          [](const DeliveryFailed&) -> S { return Step::Deliver; },
          [](const Retrieved&) -> S { return Step::Retrieve; },
          [](const Deleted&) -> S { return Step::Retrieve; },
          [](const LocalCopyKept&) -> S { return Step::Retrieve; },
          [](const PollEmpty&) -> S { return Step::Retrieve; },
          [](const PollFailed&) -> S { return Step::Retrieve; },
          [](const HostDown&) -> S { return std::nullopt; },
          [](const HostUp&) -> S { return std::nullopt; },
          [](const LinkDown&) -> S { return std::nullopt; },
          [](const LinkUp&) -> S { return std::nullopt; },
          [](const LinkLoss&) -> S { return std::nullopt; },
          // The sending MTA: queue, DNS, SMTP client, bounces.
          [](const auto&) -> S { return Step::Relay; },
      },
      f);
}

Alert alert_of(const Fact& f) {
  return std::visit(
      Overload{
          [](const RecipientChecked& x) { return x.accepted ? Alert::None : by_code(x.reply.code); },
          [](const MessageRefused& x) { return by_code(x.reply.code); },
          [](const SubmissionFailed&) { return Alert::Permanent; },
          [](const MxFailed& x) { return x.permanent ? Alert::Permanent : Alert::Transient; },
          [](const ConnectionFailed&) { return Alert::Transient; },
          [](const TimedOut&) { return Alert::Transient; },
          [](const Deferred&) { return Alert::Transient; },
          [](const Failed&) { return Alert::Permanent; },
          [](const Expired&) { return Alert::Permanent; },
          [](const BounceCreated& x) { return x.action == DsnAction::Failed ? Alert::Permanent : Alert::Transient; },
          [](const BounceDiscarded&) { return Alert::Permanent; },
          [](const LoopDetected&) { return Alert::Permanent; },
          [](const DeliveryFailed& x) { return x.permanent ? Alert::Permanent : Alert::Transient; },
          [](const PollFailed&) { return Alert::Transient; },
          [](const AuthFailed& x) { return x.disconnect ? Alert::Permanent : Alert::Transient; },
          [](const ClientThrottled&) { return Alert::Transient; },
          [](const HostDown&) { return Alert::Transient; },
          [](const LinkDown&) { return Alert::Transient; },
          [](const LinkLoss& x) { return x.loss > 0 ? Alert::Transient : Alert::None; },
          [](const auto&) { return Alert::None; },
      },
      f);
}

// ---- writing ----

namespace {
struct FieldWriter;
template <class T>
void write_value(JsonWriter& w, const T& v);

struct FieldWriter {
  JsonWriter& w;
  template <class T>
  void operator()(JsonWriter::Name name, const T& v) {  // names are literals in facts.hpp
    w.key(name);
    write_value(w, v);
  }
};

template <class T>
void write_value(JsonWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_same_v<T, double>) {
    w.value(v);
  } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) {
    w.value(static_cast<std::int64_t>(v));
  } else if constexpr (std::is_enum_v<T>) {
    w.value(enum_name(v));
  } else if constexpr (requires { typename T::value_type; v.has_value(); }) {  // optional
    if (v)
      write_value(w, *v);
    else
      w.null();
  } else if constexpr (requires { v.begin(); v.size(); }) {  // vector, array
    w.begin_array();
    for (const auto& x : v) write_value(w, x);
    w.end_array();
  } else {  // a struct with fields()
    w.begin_object();
    FieldWriter fw{w};
    const_cast<T&>(v).fields(fw);  // fields() only reads through a writer
    w.end_object();
  }
}
}  // namespace

void write_fact_data(JsonWriter& w, const Fact& f) {
  std::visit([&](const auto& x) { write_value(w, x); }, f);
}

void write_event(JsonWriter& w, const TraceEvent& e, std::uint64_t seq) {
  w.begin_object();
  w.field("seq", seq);
  w.field("time_us", static_cast<std::int64_t>(e.time));
  w.field("kind", to_string(e.kind));
  w.key("step");
  if (e.step)
    w.value(static_cast<int>(*e.step));
  else
    w.null();
  auto actor = [&](JsonWriter::Name k, const Actor& a) {
    w.key(k);
    w.begin_object();
    w.field("agent", to_string(a.agent));
    w.field("host", a.host);
    w.end_object();
  };
  actor("actor", e.actor);
  if (e.kind == Kind::Fact) {
    w.field("fact", fact_name(*e.fact));
    w.key("data");
    write_fact_data(w, *e.fact);
  } else {
    if (e.peer)
      actor("peer", *e.peer);
    else {
      w.key("peer");
      w.null();
    }
    w.field("protocol", to_string(e.protocol));
    w.key("direction");
    if (e.direction == Direction::None)
      w.null();
    else
      w.value(to_string(e.direction));
    w.field("line", e.line);
    if (e.kind == Kind::Content) {
      w.field("octets", e.octets);
      w.field("lines", e.lines);
      w.field("text", e.text);
    }
    if (e.code) w.field("code", e.code);
  }
  w.key("msg");
  if (e.msg.empty())
    w.null();
  else
    w.value(e.msg);
  w.key("conn");
  if (e.conn)
    w.value(e.conn);
  else
    w.null();
  if (e.alert != Alert::None) w.field("alert", to_string(e.alert));
  w.end_object();
}

std::string event_json_text(const TraceEvent& e, std::uint64_t seq) {
  std::string out;
  {
    JsonWriter w(out);  // gives out its written size when it goes
    write_event(w, e, seq);
  }
  return out;
}

// ---- reading ----

namespace {
struct FieldReader {
  const nlohmann::json& obj;
  FactReadError* error;
  bool ok = true;
  std::string prefix;

  void fail(const std::string& field, const std::string& problem) {
    if (ok && error) *error = FactReadError{field, problem};
    ok = false;
  }

  template <class T>
  void read(const std::string& where, const nlohmann::json& j, T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!j.is_string()) return fail(where, "expected a string");
      out = j.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) return fail(where, "expected true or false");
      out = j.get<bool>();
    } else if constexpr (std::is_same_v<T, double>) {
      if (!j.is_number()) return fail(where, "expected a number");
      out = j.get<double>();
    } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) {
      if (!j.is_number_integer()) return fail(where, "expected an integer");
      const auto v = j.get<std::int64_t>();
      if constexpr (std::is_same_v<T, int>)
        if (v < INT32_MIN || v > INT32_MAX) return fail(where, "integer out of range");
      out = static_cast<T>(v);
    } else if constexpr (std::is_enum_v<T>) {
      if (!j.is_string()) return fail(where, "expected a string");
      const auto e = enum_from<T>(j.get_ref<const std::string&>());
      if (!e) return fail(where, "unknown value \"" + j.get<std::string>() + "\"");
      out = *e;
    } else if constexpr (requires { typename T::value_type; out.has_value(); }) {
      if (j.is_null()) {
        out.reset();
        return;
      }
      typename T::value_type v{};
      read(where, j, v);
      out = std::move(v);
    } else if constexpr (requires { out.push_back(typename T::value_type{}); }) {
      if (!j.is_array()) return fail(where, "expected an array");
      out.clear();
      for (std::size_t i = 0; i < j.size() && ok; ++i) {
        typename T::value_type v{};
        read(where + "/" + std::to_string(i), j[i], v);
        out.push_back(std::move(v));
      }
    } else if constexpr (requires { std::tuple_size<T>::value; }) {
      if (!j.is_array() || j.size() != out.size()) return fail(where, "expected an array of " + std::to_string(out.size()));
      for (std::size_t i = 0; i < out.size() && ok; ++i) read(where + "/" + std::to_string(i), j[i], out[i]);
    } else {
      if (!j.is_object()) return fail(where, "expected an object");
      FieldReader sub{j, error, true, where + "/"};
      out.fields(sub);
      if (!sub.ok) ok = false;
    }
  }

  template <class T>
  void operator()(const char* name, T& out) {
    if (!ok) return;
    const auto it = obj.find(name);
    if (it == obj.end()) return fail(prefix + name, "missing");
    read(prefix + name, *it, out);
  }
};

template <std::size_t I = 0>
std::optional<Fact> read_by_name(std::string_view name, const nlohmann::json& data, FactReadError* error) {
  if constexpr (I == kFactCount) {
    if (error) *error = FactReadError{"fact", "unknown fact \"" + std::string(name) + "\""};
    return std::nullopt;
  } else {
    using T = std::variant_alternative_t<I, Fact>;
    if (name != T::name) return read_by_name<I + 1>(name, data, error);
    if (!data.is_object()) {
      if (error) *error = FactReadError{"data", "expected an object"};
      return std::nullopt;
    }
    T fact{};
    FieldReader r{data, error, true, ""};
    fact.fields(r);
    if (!r.ok) return std::nullopt;
    return Fact{std::move(fact)};
  }
}
}  // namespace

std::optional<Fact> read_fact(std::string_view name, const nlohmann::json& data, FactReadError* error) {
  return read_by_name(name, data, error);
}

// ---- schema ----

namespace {
struct SchemaBuilder {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();

  template <class T>
  static nlohmann::json schema_of() {
    using nlohmann::json;
    if constexpr (std::is_same_v<T, std::string>) return {{"type", "string"}};
    else if constexpr (std::is_same_v<T, bool>) return {{"type", "boolean"}};
    else if constexpr (std::is_same_v<T, double>) return {{"type", "number"}};
    else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) return {{"type", "integer"}};
    else if constexpr (std::is_enum_v<T>) {
      json e = json::array();
      for (auto n : EnumNames<T>::names) e.push_back(std::string(n));
      return {{"enum", e}};
    } else if constexpr (requires(T t) { typename T::value_type; t.has_value(); }) {
      return {{"anyOf", json::array({schema_of<typename T::value_type>(), {{"type", "null"}}})}};
    } else if constexpr (requires(T t) { t.push_back(typename T::value_type{}); }) {
      return {{"type", "array"}, {"items", schema_of<typename T::value_type>()}};
    } else if constexpr (requires { std::tuple_size<T>::value; }) {
      return {{"type", "array"},
              {"items", schema_of<typename T::value_type>()},
              {"minItems", std::tuple_size<T>::value},
              {"maxItems", std::tuple_size<T>::value}};
    } else {
      SchemaBuilder sub;
      T t{};
      t.fields(sub);
      return sub.object();
    }
  }
  template <class T>
  void operator()(const char* name, T&) {
    properties[name] = schema_of<T>();
    required.push_back(name);
  }
  nlohmann::json object() const {
    return {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}};
  }
};

template <std::size_t... I>
nlohmann::json schemas(std::index_sequence<I...>) {
  nlohmann::json out = nlohmann::json::object();
  ((out[std::variant_alternative_t<I, Fact>::name] = SchemaBuilder::schema_of<std::variant_alternative_t<I, Fact>>()),
   ...);
  return out;
}
}  // namespace

nlohmann::json fact_data_schemas() { return schemas(std::make_index_sequence<kFactCount>{}); }

nlohmann::json trace_schema() {
  using nlohmann::json;
  const json str = {{"type", "string"}}, integer = {{"type", "integer"}};
  const json nullable_str = {{"type", json::array({"string", "null"})}};
  const json actor = {{"type", "object"},
                      {"properties", {{"agent", {{"enum", {"MUA", "MSA", "MTA", "MDA", "POP3", "DNS", "NET"}}}}, {"host", str}}},
                      {"required", {"agent", "host"}},
                      {"additionalProperties", false}};
  const json common = {{"seq", {{"type", "integer"}, {"minimum", 0}}},
                       {"time_us", {{"type", "integer"}, {"minimum", 0}}},
                       {"actor", {{"$ref", "#/$defs/actor"}}},
                       {"msg", nullable_str},
                       {"conn", {{"type", json::array({"integer", "null"})}}},
                       {"alert", {{"enum", {"transient", "permanent"}}}}};
  json line_props = common;
  line_props["kind"] = {{"enum", {"line", "content"}}};
  line_props["step"] = {{"type", "integer"}, {"minimum", 1}, {"maximum", 6}};
  line_props["peer"] = {{"$ref", "#/$defs/actor"}};
  line_props["protocol"] = {{"enum", {"SMTP", "POP3", "DNS"}}};
  line_props["direction"] = {{"enum", {"request", "response", nullptr}}};
  line_props["line"] = str;
  line_props["text"] = str;
  line_props["octets"] = {{"type", "integer"}, {"minimum", 0}};
  line_props["lines"] = {{"type", "integer"}, {"minimum", 0}};
  line_props["code"] = {{"type", "integer"}, {"minimum", 100}, {"maximum", 599}};
  json wire = {{"type", "object"},
               {"properties", line_props},
               {"required", {"seq", "time_us", "kind", "step", "actor", "peer", "protocol", "direction", "line", "msg", "conn"}},
               {"additionalProperties", false}};
  json facts = json::array();
  const json data = fact_data_schemas();
  for (auto it = data.begin(); it != data.end(); ++it) {
    json props = common;
    props["kind"] = {{"const", "fact"}};
    props["fact"] = {{"const", it.key()}};
    props["data"] = it.value();
    // The step rule: every fact of a kind has the same step, except where a field decides.
    props["step"] = {{"type", json::array({"integer", "null"})}, {"minimum", 1}, {"maximum", 6}};
    facts.push_back({{"type", "object"},
                     {"properties", props},
                     {"required", {"seq", "time_us", "kind", "step", "actor", "fact", "data", "msg", "conn"}},
                     {"additionalProperties", false}});
  }
  json event = {{"oneOf", json::array({wire})}};
  for (auto& f : facts) event["oneOf"].push_back(f);
  json schema = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://mailsim.example/trace.schema.json"},
      {"title", "mailsim trace, format version " + std::to_string(kFormatVersion)},
      {"description", "Written by `mailsim run --trace`; see docs/trace-format.md. Generated from agents/trace/facts.hpp."},
      {"type", "object"},
      {"required", {"format", "format_version", "mailsim_version", "scenario", "seed", "start_epoch", "topology", "users",
                    "messages", "events", "summary"}},
      {"properties",
       {{"format", {{"const", "mailsim-trace"}}},
        {"format_version", {{"const", kFormatVersion}}},
        {"mailsim_version", str},
        {"scenario", {{"type", "object"}, {"required", {"name"}}, {"properties", {{"name", str}, {"file", str}}}}},
        {"seed", integer},
        {"start_epoch", integer},
        {"topology",
         {{"type", "object"},
          {"required", {"hosts", "links"}},
          {"properties",
           {{"hosts", {{"type", "array"}, {"items", {{"type", "object"}, {"required", {"name", "address", "role", "services"}},
                                                      {"properties", {{"name", str}, {"address", str},
                                                                      {"role", {{"enum", {"pc", "mailserver", "dns", "router", "relay"}}}},
                                                                      {"services", {{"type", "array"}, {"items", str}}},
                                                                      {"label", str}}}}}}},
            {"links", {{"type", "array"}, {"items", {{"type", "object"}, {"required", {"a", "b"}}}}}}}}}},
        {"users", {{"type", "array"}, {"items", {{"type", "object"}, {"required", {"address", "host", "server"}}}}}},
        {"messages",
         {{"type", "array"},
          {"items", {{"type", "object"},
                     {"required", {"id", "from", "to", "subject"}},
                     {"properties", {{"id", str}, {"from", str}, {"to", {{"type", "array"}, {"items", str}}}, {"subject", str},
                                     {"message_id", str}, {"submit_us", integer}}}}}}},
        {"events", {{"type", "array"}, {"items", {{"$ref", "#/$defs/event"}}}}},
        {"summary", {{"type", "object"}, {"required", {"end_us", "totals", "messages", "bounces"}}}}}},
      {"$defs", {{"actor", actor}, {"event", event}}},
  };
  return schema;
}

}  // namespace mailsim::trace
