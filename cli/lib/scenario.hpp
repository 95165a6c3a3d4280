#pragma once
// Scenario files: JSON describing hosts, links, DNS, mail servers, users, messages and
// faults. Loading validates everything and reports the first problem as
// "FILE: /json/pointer: what is wrong" (see docs/scenario-format.md).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/mail_config.hpp"
#include "agents/mime/compose.hpp"
#include "sim/time.hpp"

namespace mailsim::app {

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HostDef {
  std::string name, role, label;
  std::uint32_t address = 0;
};

struct LinkDef {
  std::string a, b;
  sim::Time latency = sim::kMillisecond;
  std::uint64_t bandwidth_bps = 100'000'000;
  double loss = 0;
  std::uint32_t mtu = 1500;
};

struct DnsRecordDef {
  std::string name, type, target;
  std::uint16_t preference = 0;
  std::uint32_t address = 0;
};

struct UserDef {
  std::string address, password, host, server, display_name;
  sim::Time poll_interval = 0;
  bool keep_on_server = false;
};

struct MessageDef {
  std::string id;
  sim::Time at = 0;
  mime::Draft draft;
};

struct FaultDef {
  sim::Time at = 0;
  std::string action;  // link-down, link-up, host-down, host-up, loss
  std::string target;  // host name, or "a--b" for a link
  double loss = 0;
  std::string pointer;  // where in the file, for messages
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  nlohmann::json description;  // {"en": …, "es": …}
  std::int64_t start_epoch = 1795687200;  // 2026-11-26T10:00:00Z
  std::uint64_t seed = 1;
  sim::Time until = 30 * sim::kDay;
  double time_scale = 1.0;
  std::vector<HostDef> hosts;
  std::vector<LinkDef> links;
  std::string dns_server;
  std::vector<DnsRecordDef> dns_records;
  std::vector<agents::MailServerConfig> servers;
  std::vector<UserDef> users;
  std::vector<MessageDef> messages;
  std::vector<FaultDef> faults;
};

Scenario load_scenario(const std::filesystem::path& file);
// Parses the JSON text of a scenario; `file` names it in errors and anchors relative paths.
Scenario parse_scenario(const std::string& text, const std::filesystem::path& file);

// "127.0.0.1:2525" or "[::1]:2525" (any 127.0.0.0/8 address): {address text, port}. Live
// mode only ever opens real sockets on loopback, so anything else is nullopt.
std::optional<std::pair<std::string, std::uint16_t>> parse_loopback_endpoint(const std::string& text);
bool is_loopback_address(const std::string& address);

// "250ms", "2h", "1.5s", "90" (seconds). nullopt on bad text.
std::optional<sim::Time> parse_duration(const nlohmann::json& v);
// "100Mbps", "64kbps", "1Gbps", 1000000 (bits per second).
std::optional<std::uint64_t> parse_bandwidth(const nlohmann::json& v);

}  // namespace mailsim::app
