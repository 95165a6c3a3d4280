// `mailsim generate`: a whole scenario (topology, DNS, servers, users and a traffic section)
// from a few numbers. The text is checked by the scenario loader (schema and meaning) before
// it is written, so a flag that makes no sense gets the loader's own clear error.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/lib/commands.hpp"
#include "cli/lib/embedded.hpp"
#include "sim/time.hpp"

namespace mailsim::app {

namespace {

using ojson = nlohmann::ordered_json;

std::string two_digits(std::size_t n, std::size_t width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < width ? width - s.size() : 0, '0') + s;
}

std::string micros(sim::Time t) {
  if (t > 0 && t % sim::kSecond == 0) return std::to_string(t / sim::kSecond) + "s";
  if (t % sim::kMillisecond == 0) return std::to_string(t / sim::kMillisecond) + "ms";
  return std::to_string(t) + "us";
}

std::string ipv4(std::size_t a, std::size_t b, std::size_t c, std::size_t d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

// One key per line at the top level, one element per line in its lists: diffs stay readable
// and a 100,000-user file is still a text file.
std::string write_scenario(const ojson& s) {
  std::string out = "{\n";
  std::size_t i = 0;
  for (auto it = s.begin(); it != s.end(); ++it, ++i) {
    out += "  " + ojson(it.key()).dump() + ": ";
    const ojson& v = it.value();
    if (v.is_array() && !v.empty()) {
      out += "[\n";
      for (std::size_t k = 0; k < v.size(); ++k) out += "    " + v[k].dump() + (k + 1 < v.size() ? ",\n" : "\n");
      out += "  ]";
    } else if (it.key() == "dns") {
      out += "{\"server\": " + v["server"].dump() + ", \"records\": [\n";
      const ojson& r = v["records"];
      for (std::size_t k = 0; k < r.size(); ++k) out += "    " + r[k].dump() + (k + 1 < r.size() ? ",\n" : "\n");
      out += "  ]}";
    } else {
      out += v.dump();
    }
    out += i + 1 < s.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

}  // namespace

std::optional<std::string> generate_scenario(const GenerateArgs& a, std::string& error) {
  if (a.domains < 1 || a.domains > 2000) return error = "--domains: from 1 to 2000", std::nullopt;
  if (a.servers_per_domain < 1 || a.servers_per_domain > 4) return error = "--servers-per-domain: from 1 to 4", std::nullopt;
  if (a.users < 2 || a.users > 100000) return error = "--users: from 2 to 100000", std::nullopt;
  if (a.network != "packets" && a.network != "lines") return error = "--network: packets or lines", std::nullopt;
  const auto user_latency = parse_duration(a.user_latency), server_latency = parse_duration(a.server_latency);
  if (!user_latency || *user_latency > sim::kDay) return error = "--user-latency: a duration such as 1ms", std::nullopt;
  if (!server_latency || *server_latency > sim::kDay) return error = "--server-latency: a duration such as 20ms", std::nullopt;
  const auto until = parse_duration(a.until), drain = parse_duration(a.drain);
  if (!until || *until <= 0) return error = "--until: a duration above 0, such as 1h", std::nullopt;
  if (!drain) return error = "--drain: a duration such as 1h", std::nullopt;
  std::optional<sim::Time> poll;
  if (a.poll != "off" && a.poll != "never") {
    poll = parse_duration(a.poll);
    if (!poll || *poll <= 0) return error = "--poll: a duration above 0 such as 10s, or off", std::nullopt;
  }

  const std::size_t width = std::to_string(a.domains).size() < 2 ? 2 : std::to_string(a.domains).size();
  std::vector<std::string> domains;
  for (std::size_t d = 0; d < a.domains; ++d) domains.push_back("d" + two_digits(d + 1, width) + ".example");
  auto server_name = [&](std::size_t d, std::size_t k) { return "mx" + std::to_string(k + 1) + "." + domains[d]; };
  auto pcs_name = [&](std::size_t d) { return "pcs." + domains[d]; };

  ojson hosts = ojson::array(), links = ojson::array(), records = ojson::array(), servers = ojson::array(),
        users = ojson::array();
  hosts.push_back({{"name", "core"}, {"address", "10.0.0.1"}, {"role", "router"}, {"label", "Internet core router"}});
  hosts.push_back({{"name", "ns.example"}, {"address", "10.0.0.53"}, {"role", "dns"}, {"label", "DNS server"}});
  links.push_back({{"a", "core"}, {"b", "ns.example"}, {"latency", "1ms"}, {"bandwidth", "1Gbps"}});
  const sim::Time half = *server_latency / 2;  // server to server: through the core, twice this
  for (std::size_t d = 0; d < a.domains; ++d) {
    const std::size_t hi = 1 + d / 256, lo = d % 256;
    for (std::size_t k = 0; k < a.servers_per_domain; ++k) {
      const std::string name = server_name(d, k), addr = ipv4(10, hi, lo, 10 + k);
      hosts.push_back({{"name", name}, {"address", addr}, {"role", "mailserver"},
                       {"label", domains[d] + (k == 0 ? " mail server" : " backup MX")}});
      links.push_back({{"a", "core"}, {"b", name}, {"latency", micros(half)}, {"bandwidth", "1Gbps"}});
      records.push_back({{"name", domains[d]}, {"type", "MX"}, {"preference", 10 * (k + 1)}, {"target", name}});
      records.push_back({{"name", name}, {"type", "A"}, {"address", addr}});
      if (k == 0) servers.push_back({{"host", name}, {"domains", {domains[d]}}});
      else servers.push_back({{"host", name}, {"domains", ojson::array()}, {"relay_domains", {domains[d]}}, {"services", {"smtp"}}});
    }
    hosts.push_back({{"name", pcs_name(d)}, {"address", ipv4(10, hi, lo, 100)}, {"role", "pc"},
                     {"label", domains[d] + " users' PCs (all their MUAs)"}});
    links.push_back({{"a", pcs_name(d)}, {"b", server_name(d, 0)}, {"latency", micros(*user_latency)}, {"bandwidth", "100Mbps"}});
  }
  const std::size_t uwidth = std::max<std::size_t>(4, std::to_string(a.users).size());
  for (std::size_t i = 0; i < a.users; ++i) {
    const std::size_t d = i % a.domains;  // round robin: Zipf's popular users are spread over the domains
    ojson u = {{"address", "u" + two_digits(i + 1, uwidth) + "@" + domains[d]}, {"password", "pw" + two_digits(i + 1, uwidth)},
               {"server", server_name(d, 0)}, {"host", pcs_name(d)}};
    if (poll) u["poll"] = micros(*poll);
    users.push_back(std::move(u));
  }

  ojson recipients = ojson::object();
  if (a.zipf > 0) recipients["choice"] = "zipf", recipients["zipf_exponent"] = a.zipf;
  if (a.same_domain >= 0) recipients["same_domain"] = a.same_domain;
  if (a.unknown > 0) recipients["unknown"] = a.unknown;
  if (a.unreachable > 0) recipients["unreachable"] = a.unreachable;
  if (!a.per_message.empty()) recipients["per_message"] = a.per_message;
  const bool bare = !a.rate.empty() && a.rate.find_first_not_of("0123456789.") == std::string::npos;
  ojson flow = {{"rate", bare ? ojson(std::stod(a.rate)) : ojson(a.rate)}, {"per", a.per}};
  if (!recipients.empty()) flow["recipients"] = recipients;
  if (!a.size.empty()) {
    const ojson size = a.size.find_first_not_of("0123456789") == std::string::npos ? ojson(std::stoull(a.size)) : ojson(a.size);
    flow["size"] = a.sigma > 0 ? ojson{{"median", size}, {"sigma", a.sigma}} : size;
  }
  ojson traffic = {{"stop", a.until}};
  if (a.messages) traffic["messages"] = a.messages;
  traffic["flows"] = ojson::array({flow});

  const std::string shape = std::to_string(a.domains) + " domains × " + std::to_string(a.servers_per_domain) + " server(s), " +
                            std::to_string(a.users) + " users";
  ojson s;
  s["$schema"] = "./scenario.schema.json";
  s["name"] = a.name;
  s["description"] = {
      {"en", "Generated by mailsim generate: " + shape + ", mail at " + a.rate + " per " + a.per +
                 " (Poisson arrivals) until " + a.until + ". Users' PCs are " + micros(*user_latency) +
                 " from their server; servers are " + micros(*server_latency) + " apart through the core router" +
                 (poll ? "; every user polls POP3 every " + micros(*poll) : std::string()) + "."},
      {"es", "Generado con mailsim generate: " + std::to_string(a.domains) + " dominios × " +
                 std::to_string(a.servers_per_domain) + " servidor(es), " + std::to_string(a.users) +
                 " usuarios, correo a " + a.rate + " por " +
                 (a.per == "user" ? "usuario" : a.per == "domain" ? "dominio" : "el total") +
                 " (llegadas de Poisson) hasta " + a.until + ". Los PC de los usuarios están a " + micros(*user_latency) +
                 " de su servidor; los servidores, a " + micros(*server_latency) + " entre sí a través del router central" +
                 (poll ? "; cada usuario consulta POP3 cada " + micros(*poll) : std::string()) + "."}};
  s["seed"] = a.seed;
  s["until"] = micros(*until + *drain);
  if (a.network != "packets") s["network"] = {{"model", a.network}};
  s["hosts"] = hosts;
  s["links"] = links;
  s["dns"] = {{"server", "ns.example"}, {"records", records}};
  s["servers"] = servers;
  s["users"] = users;
  s["traffic"] = traffic;
  return write_scenario(s);
}

int generate_command(const GenerateArgs& args) {
  std::string error;
  const auto text = generate_scenario(args, error);
  if (!text) {
    std::cerr << "mailsim: generate: " << error << "\n";
    return kExitInvalidInput;
  }
  const std::filesystem::path file = args.file.empty() || args.file == "-" ? "generated.json" : args.file;
  try {
    const Scenario s = parse_scenario(*text, file);
    for (const auto& w : s.warnings) std::cerr << w << "\n";
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\nmailsim: generate: these flags do not make a valid scenario\n";
    return kExitInvalidInput;
  }
  if (args.file.empty() || args.file == "-") {
    std::cout << *text;
    return std::cout.flush() ? kExitOk : kExitInternal;
  }
  if (std::filesystem::exists(args.file) && !args.force) {
    std::cerr << "mailsim: generate: " << args.file << " exists (--force overwrites it)\n";
    return kExitInvalidInput;
  }
  std::ofstream out(args.file, std::ios::binary);
  if (!(out << *text) || !out.flush()) {
    std::cerr << "mailsim: generate: cannot write " << args.file << "\n";
    return kExitInvalidInput;
  }
  // The schema beside it, as `mailsim new` does, so that "$schema" resolves in an editor.
  const std::filesystem::path target(args.file);
  const std::filesystem::path schema =
      (target.has_parent_path() ? target.parent_path() : std::filesystem::path(".")) / "scenario.schema.json";
  std::error_code ec;
  if (!std::filesystem::exists(schema, ec)) {
    std::ofstream s(schema, std::ios::binary);
    s << embedded_schemas().front().data;
  }
  return kExitOk;
}

}  // namespace mailsim::app
