#pragma once
// Inside the scenario loader: one small parser per section of the file, sharing a context
// that holds the scenario being built, the problems found so far and the name indexes.
// The schema has already checked the structure: these parsers read values defensively (a
// value of the wrong type was reported already and is skipped) and check the meaning.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/lib/scenario.hpp"
#include "cli/lib/scenario_diag.hpp"

namespace mailsim::app::detail {

using nlohmann::json;

struct LoadContext {
  LoadContext(Scenario& scenario, Diagnostics& d, const LoadOptions& o, std::filesystem::path folder)
      : s(scenario), diag(d), options(o), base(std::move(folder)) {}
  Scenario& s;
  Diagnostics& diag;
  const LoadOptions& options;
  std::filesystem::path base;  // the scenario's folder
  std::map<std::string, std::size_t> host_index, server_index, user_index;
  std::map<std::string, std::string> host_pointer;  // name -> where it was declared
  std::map<std::size_t, std::uint64_t> server_quota;  // server index -> its users' default quota
  // A declaration with an error (a bad host name, a server on an unknown host, an invalid
  // user): references that fail to resolve are then probably its echo and are not reported.
  bool broken_hosts = false, broken_servers = false, broken_users = false;

  // Reports an unknown host (with the closest declared name) and returns false.
  bool need_host(const std::string& name, const std::string& ptr);
  bool need_server(const std::string& name, const std::string& ptr);
  std::vector<std::string> host_names() const;
  std::vector<std::string> server_names() const;
};

// Defensive readers: nullopt when absent or of the wrong type (the schema said so already).
const json* member(const json& obj, const char* key);
std::optional<std::string> text(const json& obj, const char* key);
std::optional<double> number(const json& obj, const char* key);
std::optional<bool> boolean(const json& obj, const char* key);
// A whole number in [lo, hi] at obj[key], else def (the schema reported anything else): never
// a cast of an out-of-range double, which is undefined behaviour.
std::uint64_t whole(const json& obj, const char* key, std::uint64_t def, std::uint64_t lo, std::uint64_t hi);
// A string or a list of strings: each with its pointer.
std::vector<std::pair<std::string, std::string>> texts(const json& obj, const char* key, const std::string& ptr);
// A duration at obj[key]: its value, def when absent; a semantic error when the text passed
// the schema but not the parser (e.g. more than 100 years).
std::optional<sim::Time> duration(LoadContext& c, const json& obj, const char* key, const std::string& ptr,
                                  std::optional<sim::Time> def);
std::string lower(std::string s);
// An address with 8-bit octets needs SMTPUTF8 (RFC 6531), which mailsim does not model: an
// error at ptr, and false.
bool ascii_address(LoadContext& c, const std::string& address, const std::string& ptr);
// A value as the author wrote it, for messages: "2d", 5, true.
std::string shown(const json& v);
std::string index_ptr(const std::string& base, std::size_t i);

void parse_general(const json& root, LoadContext& c);   // name, description, start, seed, until, time_scale
void parse_hosts(const json& root, LoadContext& c);
void parse_links(const json& root, LoadContext& c);
void parse_dns(const json& root, LoadContext& c);
void parse_servers(const json& root, LoadContext& c);
void parse_users(const json& root, LoadContext& c);
void parse_messages(const json& root, LoadContext& c);
void parse_faults(const json& root, LoadContext& c);
void parse_traffic(const json& root, LoadContext& c);  // after users and messages
// Suspicious but legal: warnings (unconnected PCs, unreachable users, smarthost loops, …).
void check_plausibility(LoadContext& c);

// Reads a file named in the scenario: relative to its folder, inside it after resolving
// symbolic links, a regular file, at most options.max_attached_file octets.
std::optional<std::string> read_confined_file(LoadContext& c, const std::string& relative, const std::string& ptr);

}  // namespace mailsim::app::detail
