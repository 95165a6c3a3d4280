#pragma once
// The ledger accounts for every message, recipient by recipient: submitted, then delivered
// (and perhaps retrieved), bounced, rejected at submission, or still queued. It is an
// observer of the facts the agents state (docs/trace-format.md), never a channel between
// agents, and every operation is O(1) (amortised), so a million recipients cost a million
// steps. Conservation: submitted = delivered + bounced + queued + rejected.
// Memory stays flat over a long run: the record of a message that nothing will change any
// more moves to a temporary file (RecordSpill) and comes back if a late fact names it.
#include <cstdint>
#include <memory>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/ledger_record.hpp"
#include "agents/record_spill.hpp"
#include "agents/trace/event.hpp"
#include "sim/string_index.hpp"
#include "sim/time.hpp"

namespace mailsim::agents {

class Ledger {
 public:
  // Records stay in memory while fewer than `keep_in_memory` messages exist (a lesson's
  // handful never touches the disk).
  explicit Ledger(std::size_t keep_in_memory = 4096) : keep_in_memory_(keep_in_memory) {}

  void plan(MessageRecord m);
  // Addresses whose MUA polls: their mail is settled only once retrieved.
  void add_poller(const std::string& address) { pollers_.insert(address); }

  // Every fact an agent states goes through here (Trace::observe_facts).
  void observe(const trace::TraceEvent& e);

  bool contains(const std::string& id) const { return index_of(id).has_value(); }
  std::optional<MessageRecord> find(const std::string& id) const;

  // True when nothing more can happen to any message: every recipient has a final status
  // and every delivered copy for a polling user has been fetched. O(1).
  bool settled() const { return open_ == 0; }
  Totals totals() const { return totals_; }  // scenario and live messages; DSNs are listed apart
  std::vector<std::string> conservation_errors() const;
  nlohmann::json summary_json(sim::Time end) const;
  // summary_json(end) as compact JSON text, handed to `out` piece by piece.
  void write_summary(sim::Time end, const std::function<void(std::string_view)>& out) const;
  // Every record, in the order the messages came to exist.
  void for_each(const std::function<void(const MessageRecord&)>& f) const;
  // Called once for a message whose every recipient is final and every delivered copy
  // fetched and kept by its MUA: nothing will name it by its Message-ID any more.
  void on_finished(std::function<void(const MessageRecord&)> f) { on_finished_ = std::move(f); }

 private:
  struct Entry {
    std::string id;                          // the message's id, kept while its record is spilled
    std::unique_ptr<MessageRecord> record;  // null while spilled
    RecordSpill::Ref spilled;
    std::uint32_t open = 0;      // recipients still open (is_open)
    std::uint32_t unfetched = 0;  // recipients not final, or delivered and not fetched
    std::uint32_t fetched = 0;    // recipients whose copy a POP3 server handed out
    std::uint32_t kept = 0;       // local copies the MUAs kept of it
    bool finished = false;        // on_finished was called
  };
  std::optional<std::uint32_t> index_of(std::string_view id) const;
  nlohmann::json totals_json() const;
  nlohmann::json message_json(const MessageRecord& m) const;
  MessageRecord* message(const std::string& id);
  Entry* entry(const std::string& id);
  Entry* loaded(const std::string& id);  // entry(id) with its record in memory
  RcptRecord* rcpt(MessageRecord& m, const std::string& address);
  // Every change of a recipient's state goes through here, to keep `open_`, the totals and
  // the entry's counts exact.
  template <class F>
  void update(Entry& e, RcptRecord& r, F&& change);
  bool is_open(const RcptRecord& r) const;
  void count(const MessageRecord& m, const RcptRecord& r, Entry& e, int sign);
  void reject_unsent(const std::string& id, const std::string& detail, const std::string& reason);
  void after_change(Entry& e);
  void check(const MessageRecord& m, std::vector<std::string>& errors) const;

  std::size_t keep_in_memory_;
  std::vector<Entry> entries_;
  sim::StringIndex by_id_;  // into entries_
  std::unordered_set<std::string> pollers_;
  std::int64_t open_ = 0;
  Totals totals_;
  RecordSpill spill_;
  std::map<std::string, std::vector<std::string>> spilled_errors_;  // found in spilled records, by id
  std::function<void(const MessageRecord&)> on_finished_;
};

}  // namespace mailsim::agents
