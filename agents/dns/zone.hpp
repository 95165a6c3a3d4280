#pragma once
// Authoritative data for the whole simulated Internet: one DNS server may hold many
// domains, so a Zone is simply every record it serves, without zone cuts or delegation.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agents/dns/message.hpp"

namespace mailsim::dns {

class Zone {
 public:
  // Names are matched case-insensitively and a trailing dot is ignored. Adding a record
  // identical to one already held (same name, type and data) changes nothing.
  void add(Record r);
  // Answers with AA set and the query's id, RD and question. Exactly one question is
  // expected (FORMERR otherwise). NXDOMAIN when the name does not exist at all; NOERROR
  // with no answers (NODATA) when it exists without that type; a name above an existing
  // one (e.g. "com" of "example.com") exists too, as an empty non-terminal. CNAMEs are
  // followed within the zone. MX answers are sorted by preference and the exchanges' A
  // and AAAA records go into `additional`; negative answers carry the closest SOA.
  Message answer(const Message& query) const;

  std::size_t size() const { return count_; }

 private:
  const std::vector<Record>* find(std::string_view key) const;

  // Keyed by lower-cased name without trailing dot.
  std::map<std::string, std::vector<Record>, std::less<>> records_;
  std::set<std::string, std::less<>> names_;  // every owner name and all its ancestors
  std::size_t count_ = 0;
};

}  // namespace mailsim::dns
