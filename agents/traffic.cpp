#include "agents/traffic.hpp"

#include <algorithm>
#include <cmath>

namespace mailsim::agents {

namespace {

constexpr double kMicro = 1e6;
constexpr double kHourUs = 3600.0 * kMicro;
constexpr std::uint64_t kMaxOctets = 25u << 20;  // what a listed message may attach

std::size_t weighted_index(const std::vector<double>& weights, double total, sim::Rng& rng) {
  double u = rng.uniform01() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return weights.size() - 1;
}

double standard_normal(sim::Rng& rng) {
  // Box–Muller with our own uniforms: the same numbers on every standard library.
  const double u1 = 1.0 - rng.uniform01();  // (0, 1]
  const double u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

// Plain text in lines of at most 72 characters (SMTP's 998 is far away).
void append_text(std::string& out, std::size_t octets) {
  static constexpr std::string_view kLine =
      "The quick brown fox jumps over the lazy dog while the queue drains..\n";
  while (octets > 0) {
    const std::size_t n = std::min(octets, kLine.size());
    out.append(kLine.substr(0, n));
    octets -= n;
  }
  if (!out.empty() && out.back() != '\n') out.back() = '\n';
}

}  // namespace

// ---- recipients ----

RecipientSampler::RecipientSampler(const TrafficConfig& config, RecipientChoice choice, double exponent)
    : config_(config) {
  const std::size_t n = config.users.size();
  auto weight = [&](std::size_t i) {
    return choice == RecipientChoice::Zipf ? std::pow(static_cast<double>(i + 1), -exponent) : 1.0;
  };
  cum_.assign(n + 1, 0.0);
  members_.assign(config.domains.size(), {});
  domain_cum_.assign(config.domains.size(), {0.0});
  position_.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = weight(i);
    cum_[i + 1] = cum_[i] + w;
    const std::size_t d = config.user_domain[i];
    position_[i] = members_[d].size();
    members_[d].push_back(i);
    domain_cum_[d].push_back(domain_cum_[d].back() + w);
  }
  domain_mass_cum_.assign(config.domains.size() + 1, 0.0);
  for (std::size_t d = 0; d < config.domains.size(); ++d)
    domain_mass_cum_[d + 1] = domain_mass_cum_[d] + domain_cum_[d].back();
}

std::size_t RecipientSampler::draw(const std::vector<double>& cum, std::optional<std::size_t> skip, sim::Rng& rng) {
  const std::size_t n = cum.size() - 1;
  const double skipped = skip ? cum[*skip + 1] - cum[*skip] : 0.0;
  double u = rng.uniform01() * (cum[n] - skipped);
  if (skip && u >= cum[*skip]) u += skipped;  // step over the skipped entry's interval
  std::size_t i = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
  i = std::clamp<std::size_t>(i, 1, n) - 1;
  if (skip && i == *skip) i = (i + 1) % n;  // rounding at an interval's edge
  return i;
}

std::size_t RecipientSampler::anyone_but(std::size_t sender, sim::Rng& rng) const {
  return draw(cum_, sender, rng);
}

std::size_t RecipientSampler::same_domain(std::size_t sender, sim::Rng& rng) const {
  const std::size_t d = config_.user_domain[sender];
  if (members_[d].size() < 2) return other_domain(sender, rng);
  return members_[d][draw(domain_cum_[d], position_[sender], rng)];
}

std::size_t RecipientSampler::other_domain(std::size_t sender, sim::Rng& rng) const {
  const std::size_t own = config_.user_domain[sender];
  const double others = domain_mass_cum_.back() - (domain_mass_cum_[own + 1] - domain_mass_cum_[own]);
  if (others <= 0) return members_[own].size() < 2 ? sender : same_domain(sender, rng);
  const std::size_t d = draw(domain_mass_cum_, own, rng);
  return members_[d][draw(domain_cum_[d], std::nullopt, rng)];
}

// ---- arrivals ----

double TrafficGenerator::next_arrival(double from_us, double exp1, double rate_per_second,
                                      const std::optional<std::array<double, 24>>& profile, std::int64_t day_offset_s,
                                      sim::Time stop) {
  const double limit = static_cast<double>(std::min(stop, sim::kForever / 2));
  if (rate_per_second <= 0) return static_cast<double>(sim::kForever);
  if (!profile) {
    const double t = from_us + exp1 / rate_per_second * kMicro;
    return t < limit ? t : static_cast<double>(sim::kForever);
  }
  // Piecewise-constant intensity, hour by hour: consume the Exp(1) draw segment by segment.
  const double offset_us = static_cast<double>(((day_offset_s % 86400) + 86400) % 86400) * kMicro;
  double t = from_us, left = exp1;
  while (t < limit) {
    const double clock = t + offset_us;
    const double hour_start = std::floor(clock / kHourUs) * kHourUs;
    const auto hour = static_cast<std::size_t>(static_cast<std::int64_t>(hour_start / kHourUs) % 24);
    const double end = hour_start + kHourUs - offset_us;  // this hour's end in simulated time
    const double rate_us = rate_per_second * (*profile)[hour] / kMicro;
    if (rate_us > 0 && rate_us * (end - t) >= left) return t + left / rate_us;
    left -= rate_us * (end - t);
    t = end;
  }
  return static_cast<double>(sim::kForever);
}

TrafficGenerator::TrafficGenerator(sim::Engine& engine, std::int64_t start_epoch, TrafficConfig config, Compose compose)
    : engine_(engine), start_epoch_(start_epoch), config_(std::move(config)), compose_(std::move(compose)) {
  for (std::size_t f = 0; f < config_.flows.size(); ++f) {
    const TrafficFlow& flow = config_.flows[f];
    samplers_.emplace_back(config_, flow.choice, flow.zipf_exponent);
    std::vector<std::size_t> senders = flow.senders;
    if (flow.per == RatePer::Domain)
      std::stable_sort(senders.begin(), senders.end(),
                       [&](std::size_t a, std::size_t b) { return config_.user_domain[a] < config_.user_domain[b]; });
    auto add = [&](std::size_t first, std::size_t count, const std::string& name) {
      sources_.push_back(Source{f, first, count, engine_.rng("traffic/" + std::to_string(f) + "/" + name), 0});
    };
    for (std::size_t i = 0; i < senders.size();) {
      std::size_t j = i + 1;
      if (flow.per == RatePer::Total) j = senders.size();
      if (flow.per == RatePer::Domain)
        while (j < senders.size() && config_.user_domain[senders[j]] == config_.user_domain[senders[i]]) ++j;
      add(i, j - i,
          flow.per == RatePer::User     ? config_.users[senders[i]]
          : flow.per == RatePer::Domain ? config_.domains[config_.user_domain[senders[i]]]
                                        : std::string("all"));
      i = j;
    }
    group_senders_.push_back(std::move(senders));
  }
}

void TrafficGenerator::start() {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    sources_[i].next_us = static_cast<double>(config_.start);
    schedule(i);
  }
}

void TrafficGenerator::schedule(std::size_t index) {
  Source& s = sources_[index];
  const TrafficFlow& flow = config_.flows[s.flow];
  s.next_us = next_arrival(s.next_us, s.rng.exponential(1.0), flow.rate_per_second, flow.profile,
                           config_.day_offset_s, config_.stop);
  if (s.next_us >= static_cast<double>(sim::kForever)) return;
  const auto when = std::max(engine_.now(), static_cast<sim::Time>(std::llround(s.next_us)));
  engine_.at(when, [this, index] { arrive(index); });
}

void TrafficGenerator::arrive(std::size_t index) {
  if (config_.max_messages && generated_ >= config_.max_messages) return;
  Source& s = sources_[index];
  const auto& senders = group_senders_[s.flow];
  const std::size_t sender = senders[s.first + (s.count > 1 ? s.rng.below(s.count) : 0)];
  ++generated_;
  PlannedMessage m = make_message(s, sender);
  if (!m.draft.to.empty()) compose_(sender, std::move(m));  // only with a single possible recipient: the sender
  if (!config_.max_messages || generated_ < config_.max_messages) schedule(index);
}

PlannedMessage TrafficGenerator::make_message(Source& s, std::size_t sender) {
  const TrafficFlow& flow = config_.flows[s.flow];
  sim::Rng& rng = s.rng;
  PlannedMessage m;
  m.id = config_.id_prefix + std::to_string(generated_);
  m.at = engine_.now();
  mime::Draft& d = m.draft;
  d.from = config_.users[sender];
  d.subject = flow.subject + " " + m.id;
  d.message_id = planned_message_id(m.id, d.from, start_epoch_, m.at);

  double total = 0;
  for (double w : flow.recipients_weights) total += w;
  const std::size_t count = weighted_index(flow.recipients_weights, total, rng) + 1;
  if (rng.chance(flow.unreachable)) {
    const auto& domain = flow.unreachable_domains[rng.below(flow.unreachable_domains.size())];
    for (std::size_t k = 0; k < count; ++k)
      d.to.push_back("user" + std::to_string(k + 1) + "." + m.id + "@" + domain);
  } else {
    const RecipientSampler& sampler = samplers_[s.flow];
    std::size_t unknown_count = 0;
    for (std::size_t tries = 0; d.to.size() < count && tries < 20 * count; ++tries) {
      std::size_t r;
      if (!flow.same_domain) r = sampler.anyone_but(sender, rng);
      else if (rng.chance(*flow.same_domain)) r = sampler.same_domain(sender, rng);
      else r = sampler.other_domain(sender, rng);
      std::string address = config_.users[r];
      if (rng.chance(flow.unknown))  // a mailbox nobody has, at the drawn recipient's domain
        address = "nobody" + std::to_string(++unknown_count) + "." + m.id + address.substr(address.find('@'));
      if (r == sender && address == d.from) continue;
      if (std::find(d.to.begin(), d.to.end(), address) == d.to.end()) d.to.push_back(std::move(address));
    }
  }

  // Size: what the user writes; an attachment takes all but a short covering note.
  double octets = static_cast<double>(flow.median_octets);
  if (!flow.sizes.empty()) {
    std::vector<double> w;
    double sum = 0;
    for (const auto& z : flow.sizes) sum += (w.emplace_back(z.weight), z.weight);
    octets = static_cast<double>(flow.sizes[weighted_index(w, sum, rng)].octets);
  } else if (flow.sigma > 0) {
    octets = std::exp(std::log(std::max(1.0, octets)) + flow.sigma * standard_normal(rng));
  }
  const auto size = static_cast<std::size_t>(std::min(std::max(octets, 0.0), static_cast<double>(kMaxOctets)));
  d.body = "Message " + m.id + " of the scenario's traffic.\n";
  if (rng.chance(flow.attachment_probability) && !flow.attachment_kinds.empty()) {
    std::vector<double> w;
    double sum = 0;
    for (const auto& a : flow.attachment_kinds) sum += (w.emplace_back(a.weight), a.weight);
    const AttachmentKind& kind = flow.attachment_kinds[weighted_index(w, sum, rng)];
    mime::Attachment a;
    a.filename = kind.name;
    a.content_type = kind.type;
    const std::size_t n = size > d.body.size() ? size - d.body.size() : 0;
    if (kind.type.rfind("text/", 0) == 0) {
      append_text(a.data, n);
    } else {
      a.data.resize(n);
      for (std::size_t i = 0; i < n; ++i) a.data[i] = static_cast<char>((i * 131 + generated_) & 0xff);
    }
    d.attachments.push_back(std::move(a));
  } else if (size > d.body.size()) {
    append_text(d.body, size - d.body.size());
  }
  return m;
}

}  // namespace mailsim::agents
