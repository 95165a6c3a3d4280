#pragma once
// Scenario files: JSON describing hosts, links, DNS, mail servers, users, messages and
// faults (docs/scenario-format.md, scenarios/scenario.schema.json). Loading checks the text,
// the structure (against the schema) and the meaning (names, files, limits) and reports
// every problem at once as "FILE:LINE:COL: /json/pointer: what is wrong; expected …".
// After loading everything is typed: enums and structs, never strings to split again.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/dns/message.hpp"
#include "agents/mail_config.hpp"
#include "agents/traffic_config.hpp"
#include "agents/mime/compose.hpp"
#include "sim/time.hpp"
#include "sim/transport.hpp"

namespace mailsim::app {

// An invalid scenario. what() holds every problem, one per line.
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
  ScenarioError(const std::string& text, std::size_t errors) : std::runtime_error(text), error_count(errors) {}
  std::size_t error_count = 1;
};

enum class HostRole { Pc, MailServer, Dns, Router, Relay };
const char* to_string(HostRole r);  // "pc", "mailserver", "dns", "router", "relay"
std::optional<HostRole> parse_host_role(std::string_view name);

struct HostDef {
  std::string name, label;
  HostRole role = HostRole::Pc;
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
  std::string name;
  dns::Type type = dns::Type::A;  // MX, A or PTR (name: the in-addr.arpa name)
  std::string target;             // MX exchange; PTR: the host name
  std::uint16_t preference = 0;   // MX
  std::uint32_t address = 0;      // A, PTR
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

// A link is named by its two hosts, in the order the scenario wrote them.
struct LinkRef {
  std::string a, b;
};
struct HostRef {
  std::string name;
};
enum class FaultAction { LinkDown, LinkUp, HostDown, HostUp, Loss };
const char* to_string(FaultAction a);  // "link-down", …
std::optional<FaultAction> parse_fault_action(std::string_view name);

struct FaultDef {
  sim::Time at = 0;
  FaultAction action = FaultAction::LinkDown;
  std::variant<LinkRef, HostRef> target;
  double loss = 0;      // Loss: the extra share of packets lost (0 restores the link)
  std::string pointer;  // where in the file, for messages

  const LinkRef* link() const { return std::get_if<LinkRef>(&target); }
  const HostRef* host() const { return std::get_if<HostRef>(&target); }
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  nlohmann::json description;  // {"en": …, "es": …}
  std::int64_t start_epoch = 1795687200;  // 2026-11-26T10:00:00Z
  std::uint64_t seed = 1;
  sim::Time until = 30 * sim::kDay;
  double time_scale = 1.0;
  sim::NetworkModel network_model = sim::NetworkModel::Packets;
  std::vector<HostDef> hosts;
  std::vector<LinkDef> links;
  std::string dns_server;
  std::vector<DnsRecordDef> dns_records;
  std::vector<agents::MailServerConfig> servers;
  std::vector<UserDef> users;
  std::vector<MessageDef> messages;
  std::vector<FaultDef> faults;
  std::optional<agents::TrafficConfig> traffic;  // generated messages (agents/traffic.hpp)
  std::vector<std::string> warnings;  // suspicious but legal, formatted like errors
};

struct LoadOptions {
  // body_file and attachments: larger files are refused (mailsim --max-file-size).
  std::uint64_t max_attached_file = 25u << 20;
  // Read body_file and attachments at all (off for fuzzing: no file system access).
  bool read_files = true;
};

// Host names the program uses itself (live mode's gateway).
bool is_reserved_host_name(const std::string& name);

Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});
// Parses the JSON text of a scenario; `file` names it in errors and anchors relative paths.
Scenario parse_scenario(const std::string& text, const std::filesystem::path& file, const LoadOptions& options = {});

// "127.0.0.1:2525" or "[::1]:2525" (any 127.0.0.0/8 address): {address text, port}. Live
// mode only ever opens real sockets on loopback, so anything else is nullopt.
std::optional<std::pair<std::string, std::uint16_t>> parse_loopback_endpoint(const std::string& text);
bool is_loopback_address(const std::string& address);

// "250ms", "2h", "1.5s", "90" (seconds). nullopt on bad text or above 100 years.
std::optional<sim::Time> parse_duration(const nlohmann::json& v);
// "100Mbps", "64kbps", "1Gbps", 1000000 (bits per second); nullopt below 1 bps.
std::optional<std::uint64_t> parse_bandwidth(const nlohmann::json& v);
// 1048576, "512KB", "10MB", "1GiB" (octets).
std::optional<std::uint64_t> parse_size(const nlohmann::json& v);
// RFC 3339 "2026-11-26T10:00:00Z" or with an offset: seconds since 1970.
std::optional<std::int64_t> parse_rfc3339(const std::string& text);

// The longest simulated time anything may take: far below 2^63 µs, so that sums of
// latencies, timeouts and retries cannot overflow.
inline constexpr sim::Time kMaxSimTime = 100LL * 365 * sim::kDay;

}  // namespace mailsim::app
