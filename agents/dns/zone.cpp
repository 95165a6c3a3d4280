#include "agents/dns/zone.hpp"

#include <algorithm>

namespace mailsim::dns {
namespace {

constexpr int kMaxCnameChain = 8;  // stops CNAME loops in badly configured scenarios

std::string key(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  // ASCII only: DNS case-insensitivity does not extend beyond A-Z (RFC 4343).
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "a.b.c" -> "b.c" -> "c" -> "" (the root).
std::string_view parent(std::string_view name) {
  const auto dot = name.find('.');
  return dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
}

bool same_data(const Record& a, const Record& b) {
  return a.type == b.type && a.preference == b.preference && a.target == b.target &&
         a.address == b.address && a.rdata == b.rdata;
}

}  // namespace

void Zone::add(Record r) {
  std::string k = key(r.name);
  if (!r.name.empty() && r.name.back() == '.') r.name.pop_back();
  auto& list = records_[k];
  for (const Record& have : list)
    if (same_data(have, r)) return;
  list.push_back(std::move(r));
  ++count_;
  // The name and all its ancestors now exist (RFC 8020: empty non-terminals are NODATA).
  for (std::string_view n = k; !n.empty(); n = parent(n))
    if (!names_.emplace(n).second) break;  // its ancestors are already there
}

const std::vector<Record>* Zone::find(std::string_view k) const {
  auto it = records_.find(k);
  return it == records_.end() ? nullptr : &it->second;
}

Message Zone::answer(const Message& query) const {
  Message r;
  r.id = query.id;
  r.response = true;
  r.recursion_desired = query.recursion_desired;
  r.questions = query.questions;
  if (query.response || query.questions.size() != 1) {
    r.rcode = Rcode::FormErr;
    return r;
  }
  r.authoritative = true;
  const Type want = query.questions[0].type;
  std::string name = key(query.questions[0].name);
  bool found = false;
  for (int hop = 0; hop <= kMaxCnameChain; ++hop) {
    if (names_.find(name) == names_.end()) {
      r.rcode = Rcode::NxDomain;  // RFC 6604: the rcode speaks for the end of a CNAME chain
      break;
    }
    const auto* here = find(name);
    if (!here) break;  // empty non-terminal: NODATA
    const auto first = r.answers.size();
    for (const Record& rec : *here)
      if (rec.type == want) r.answers.push_back(rec);
    if (r.answers.size() > first) {
      found = true;
      if (want == Type::MX)
        std::stable_sort(r.answers.begin() + static_cast<std::ptrdiff_t>(first), r.answers.end(),
                         [](const Record& a, const Record& b) { return a.preference < b.preference; });
      break;
    }
    auto cname = std::find_if(here->begin(), here->end(),
                              [](const Record& rec) { return rec.type == Type::CNAME; });
    if (cname == here->end() || hop == kMaxCnameChain) break;
    r.answers.push_back(*cname);
    name = key(cname->target);
  }

  if (found && want == Type::MX) {
    // Glue: saves the client a second query per exchange when we know its address.
    for (const Record& mx : r.answers) {
      if (mx.type != Type::MX) continue;
      const auto* host = find(key(mx.target));
      if (!host) continue;
      for (const Record& rec : *host) {
        if (rec.type != Type::A && rec.type != Type::AAAA) continue;
        if (std::none_of(r.additional.begin(), r.additional.end(),
                         [&](const Record& have) { return have == rec; }))
          r.additional.push_back(rec);
      }
    }
  }
  if (!found) {
    // Negative answers carry the SOA of the closest enclosing zone, for negative caching.
    for (std::string_view n = name;; n = parent(n)) {
      if (const auto* here = find(n)) {
        auto soa = std::find_if(here->begin(), here->end(),
                                [](const Record& rec) { return rec.type == Type::SOA; });
        if (soa != here->end()) {
          r.authority.push_back(*soa);
          break;
        }
      }
      if (n.empty()) break;
    }
  }
  return r;
}

}  // namespace mailsim::dns
