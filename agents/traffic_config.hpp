#pragma once
// What a scenario's `traffic` section says, typed (cli/lib/scenario_traffic.cpp reads it;
// agents/traffic.hpp generates the messages).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace mailsim::agents {

enum class RatePer : std::uint8_t { User, Domain, Total };
enum class RecipientChoice : std::uint8_t { Uniform, Zipf };

struct WeightedSize {
  std::uint64_t octets = 0;
  double weight = 1;
};
struct AttachmentKind {
  std::string type;  // "application/pdf"
  std::string name;  // "report.pdf"
  double weight = 1;
};

struct TrafficFlow {
  std::vector<std::size_t> senders;  // indices into TrafficConfig::users, each with an MUA
  double rate_per_second = 0;        // average over the day
  RatePer per = RatePer::User;
  std::optional<std::array<double, 24>> profile;  // hourly weights, normalised to a mean of 1
  RecipientChoice choice = RecipientChoice::Uniform;
  double zipf_exponent = 1.0;
  std::optional<double> same_domain;  // share within the sender's domain; unset: anyone but the sender
  double unknown = 0;                 // share of recipients with no mailbox (at a real domain)
  double unreachable = 0;             // share of messages to an unreachable domain
  std::vector<std::string> unreachable_domains{"unreachable.invalid"};
  std::vector<double> recipients_weights{1.0};  // weight of 1, 2, 3 … recipients
  // Octets the user writes (body text and attachment data before encoding): a lognormal by
  // median and sigma, or weighted sizes.
  std::uint64_t median_octets = 2000;
  double sigma = 0;
  std::vector<WeightedSize> sizes;  // when not empty, used instead of the lognormal
  double attachment_probability = 0;
  std::vector<AttachmentKind> attachment_kinds{{"application/pdf", "report.pdf", 1}};
  std::string subject = "Message";
};

struct TrafficConfig {
  std::vector<std::string> users;         // every mailbox of the scenario, in declaration order
  std::vector<std::size_t> user_domain;   // index into domains
  std::vector<std::string> domains;
  std::vector<TrafficFlow> flows;
  sim::Time start = 0;
  sim::Time stop = sim::kForever;         // no arrival at or after this time
  std::uint64_t max_messages = 0;         // 0: no limit
  std::int64_t day_offset_s = 0;          // seconds into the (local) day at simulated time 0
  std::string id_prefix = "t";            // generated messages are t1, t2, …
};

}  // namespace mailsim::agents
