#include "agents/ledger.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "agents/trace/vocabulary.hpp"
#include "sim/text.hpp"

namespace mailsim::agents {

namespace {
std::string lower(std::string_view s) { return text::to_lower(s); }
bool is_final(RcptStatus s) {
  return s == RcptStatus::Delivered || s == RcptStatus::Bounced || s == RcptStatus::Rejected;
}
bool unfetched(const RcptRecord& r) {
  return !is_final(r.status) || (r.status == RcptStatus::Delivered && r.retrieved_us < 0);
}
void step(std::uint64_t& x, int sign) { x = sign > 0 ? x + 1 : x - 1; }
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;
}  // namespace

const char* to_string(RcptStatus s) {
  switch (s) {
    case RcptStatus::Planned: return "planned";
    case RcptStatus::InTransit: return "queued";
    case RcptStatus::Queued: return "queued";
    case RcptStatus::Delivered: return "delivered";
    case RcptStatus::Bounced: return "bounced";
    case RcptStatus::Rejected: return "rejected";
  }
  return "?";
}

bool Ledger::is_open(const RcptRecord& r) const {
  if (!is_final(r.status)) return true;
  return r.status == RcptStatus::Delivered && r.retrieved_us < 0 && pollers_.count(r.address) > 0;
}

// Adds (sign +1) or removes (-1) a recipient's share of every running count.
void Ledger::count(const MessageRecord& m, const RcptRecord& r, Entry& e, int sign) {
  if (is_open(r)) {
    open_ += sign;
    e.open += static_cast<std::uint32_t>(sign);
  }
  if (unfetched(r)) e.unfetched += static_cast<std::uint32_t>(sign);
  if (r.retrieved_us >= 0) e.fetched += static_cast<std::uint32_t>(sign);
  if (!m.bounce_of.empty() || r.status == RcptStatus::Planned) return;  // never composed (yet)
  step(totals_.submitted, sign);
  switch (r.status) {
    case RcptStatus::Delivered: step(totals_.delivered, sign); break;
    case RcptStatus::Bounced: step(totals_.bounced, sign); break;
    case RcptStatus::Rejected: step(totals_.rejected, sign); break;
    default: step(totals_.queued, sign); break;
  }
  if (r.retrieved_us >= 0) step(totals_.retrieved, sign);
  totals_.duplicates += static_cast<std::uint64_t>(sign * r.duplicates);
}

template <class F>
void Ledger::update(Entry& e, RcptRecord& r, F&& change) {
  count(*e.record, r, e, -1);
  change(r);
  count(*e.record, r, e, +1);
}

void Ledger::plan(MessageRecord m) {
  if (index_of(m.id)) return;  // ids are unique; a second plan is ignored
  for (auto& r : m.rcpts) r.address = lower(r.address);
  Entry& e = entries_.emplace_back();
  e.id = m.id;
  by_id_.add(e.id, static_cast<std::uint32_t>(entries_.size() - 1),
             [this](std::uint32_t i) -> std::string_view { return entries_[i].id; });
  e.record = std::make_unique<MessageRecord>(std::move(m));
  for (const auto& r : e.record->rcpts) count(*e.record, r, e, +1);
}

std::optional<std::uint32_t> Ledger::index_of(std::string_view id) const {
  return by_id_.find(id, [this](std::uint32_t i) -> std::string_view { return entries_[i].id; });
}

Ledger::Entry* Ledger::entry(const std::string& id) {
  const auto i = index_of(id);
  return i ? &entries_[*i] : nullptr;
}

std::optional<MessageRecord> Ledger::find(const std::string& id) const {
  const auto i = index_of(id);
  if (!i) return std::nullopt;
  const Entry& e = entries_[*i];
  return e.record ? *e.record : spill_.read(e.spilled);
}

Ledger::Entry* Ledger::loaded(const std::string& id) {
  Entry* e = entry(id);
  if (e && !e->record) {  // a late fact about a spilled message: bring it back
    e->record = std::make_unique<MessageRecord>(spill_.read(e->spilled));
    spilled_errors_.erase(id);
  }
  return e;
}

MessageRecord* Ledger::message(const std::string& id) {
  Entry* e = loaded(id);
  return e ? e->record.get() : nullptr;
}

RcptRecord* Ledger::rcpt(MessageRecord& m, const std::string& address) {
  for (auto& r : m.rcpts)
    if (text::iequals(r.address, address)) return &r;
  return nullptr;
}

// After the facts of one event: report a finished message, and spill a record nothing
// will change any more once the run holds more messages than a lesson does.
void Ledger::after_change(Entry& e) {
  if (!e.record) return;
  if (e.unfetched == 0 && e.kept >= e.fetched && !e.finished) {
    e.finished = true;
    if (on_finished_) on_finished_(*e.record);
  }
  if (e.open > 0 || entries_.size() < keep_in_memory_) return;
  const auto ref = spill_.write(*e.record);
  if (!ref) return;  // no temporary file: keep it in memory
  std::vector<std::string> errors;
  check(*e.record, errors);
  if (!errors.empty()) spilled_errors_[e.record->id] = std::move(errors);
  e.spilled = *ref;
  e.record.reset();
}

void Ledger::reject_unsent(const std::string& id, const std::string& detail, const std::string& reason) {
  Entry* e = loaded(id);
  if (!e) return;
  for (auto& r : e->record->rcpts)
    if (r.status == RcptStatus::Planned)
      update(*e, r, [&](RcptRecord& x) {
        x.status = RcptStatus::Rejected;
        x.detail = detail;
        x.reason = reason;
      });
}

void Ledger::observe(const trace::TraceEvent& e) {
  if (e.kind != trace::Kind::Fact || !e.fact) return;
  const sim::Time t = e.time;
  const std::string& id = e.msg;
  auto on_rcpt = [&](const std::string& address, auto&& change) {
    Entry* e = loaded(id);
    if (RcptRecord* r = e ? rcpt(*e->record, address) : nullptr) update(*e, *r, change);
  };
  auto deliver = [&](const std::string& address) {
    on_rcpt(address, [&](RcptRecord& r) {
      if (r.status == RcptStatus::Delivered) {
        ++r.duplicates;
        return;
      }
      if (is_final(r.status)) return;
      r.status = RcptStatus::Delivered;
      r.delivered_us = t;
      r.next_retry_us = -1;
    });
  };
  std::visit(
      Overload{
          [&](const trace::Composed& f) {
            if (MessageRecord* m = message(id)) {
              if (m->composed_us < 0) m->composed_us = t;
              return;
            }
            // Generated traffic: the message comes to exist when its sender composes it.
            MessageRecord m;
            m.id = id;
            m.from = f.from;
            m.subject = f.subject;
            m.message_id = f.message_id;
            m.planned_us = m.composed_us = t;
            for (const auto& a : f.to) {
              RcptRecord r;
              r.address = a;
              m.rcpts.push_back(std::move(r));
            }
            plan(std::move(m));
          },
          [&](const trace::SubmissionAccepted& f) {
            MessageRecord* m = message(id);
            if (!m) return;
            if (m->submitted_us < 0) m->submitted_us = t;
            for (const auto& a : f.rcpts)
              on_rcpt(a, [](RcptRecord& r) {
                if (r.status == RcptStatus::Planned) r.status = RcptStatus::InTransit;
              });
          },
          [&](const trace::RecipientChecked& f) {
            if (!f.submission || f.accepted) return;
            on_rcpt(f.rcpt, [&](RcptRecord& r) {
              if (r.status != RcptStatus::Planned) return;
              r.status = RcptStatus::Rejected;
              r.detail = f.reply.text;
            });
          },
          [&](const trace::MessageRefused& f) {
            if (f.submission) reject_unsent(id, f.reply.text, std::string(trace::enum_name(f.reason)));
          },
          [&](const trace::SubmissionFailed& f) {
            // Only what the MSA never accepted is lost: a crash after "250 queued" keeps it.
            if (MessageRecord* m = message(id); m && m->submitted_us < 0) m->submitted_us = t;
            reject_unsent(id, f.reply ? f.reply->text : std::string(),
                          f.net_error ? std::string(trace::enum_name(*f.net_error)) : std::string());
          },
          [&](const trace::LiveMessage& f) {
            MessageRecord m;
            m.id = f.id;
            m.from = f.from;
            m.subject = f.subject;
            m.message_id = f.message_id;
            m.planned_us = m.composed_us = m.submitted_us = t;
            for (const auto& a : f.to) m.rcpts.push_back(RcptRecord{a, RcptStatus::InTransit});
            plan(std::move(m));
          },
          [&](const trace::Deferred& f) {
            on_rcpt(f.rcpt, [&](RcptRecord& r) {
              if (is_final(r.status)) return;
              r.status = RcptStatus::Queued;
              r.next_retry_us = f.next_attempt_us;
              r.detail = f.reply ? f.reply->text : std::string();
              r.reason = f.net_error ? std::string(trace::enum_name(*f.net_error))
                         : f.dns_error ? std::string(trace::enum_name(*f.dns_error))
                                       : std::string();
              ++r.attempts;
            });
          },
          [&](const trace::ExternalAccepted& f) { deliver(f.rcpt); },
          [&](const trace::Delivered& f) { deliver(f.rcpt); },
          [&](const trace::Retrieved& f) {
            on_rcpt(f.user, [&](RcptRecord& r) {
              if (r.retrieved_us >= 0) return;
              r.retrieved_us = t;
              r.retrieved_by = f.user;
            });
          },
          [&](const trace::LocalCopyKept&) {
            if (Entry* x = entry(id)) ++x->kept;
          },
          [&](const trace::Failed& f) {
            on_rcpt(f.rcpt, [&](RcptRecord& r) {
              if (is_final(r.status)) return;
              r.status = RcptStatus::Bounced;
              r.bounced_us = t;
              r.next_retry_us = -1;
              r.detail = f.reply ? f.reply->text : std::string();
              r.reason = f.dns_error ? std::string(trace::enum_name(*f.dns_error))
                         : f.problem ? std::string(trace::enum_name(*f.problem))
                                     : std::string();
            });
          },
          [&](const trace::BounceCreated& f) {
            MessageRecord m;
            m.id = f.dsn;
            m.subject = f.subject;
            m.message_id = f.message_id;
            m.bounce_of = f.of;
            m.created_by = e.actor.host;
            m.planned_us = m.composed_us = m.submitted_us = t;
            m.rcpts.push_back(RcptRecord{f.to, RcptStatus::InTransit});
            plan(std::move(m));
          },
          [](const auto&) {},
      },
      *e.fact);
  if (Entry* x = entry(id)) after_change(*x);
}

void Ledger::check(const MessageRecord& m, std::vector<std::string>& errors) const {
  for (const auto& r : m.rcpts)
    if (r.status == RcptStatus::Delivered && r.delivered_us < 0)
      errors.push_back(m.id + " to " + r.address + ": delivered without a time");
}

std::vector<std::string> Ledger::conservation_errors() const {
  std::vector<std::string> errors;
  const Totals& t = totals_;
  if (t.submitted != t.delivered + t.bounced + t.queued + t.rejected)
    errors.push_back("submitted != delivered + bounced + queued + rejected");
  for (const auto& e : entries_)
    if (e.record) check(*e.record, errors);
  for (const auto& [id, list] : spilled_errors_) errors.insert(errors.end(), list.begin(), list.end());
  return errors;
}

void Ledger::for_each(const std::function<void(const MessageRecord&)>& f) const {
  for (const auto& e : entries_) {
    if (e.record)
      f(*e.record);
    else
      f(spill_.read(e.spilled));
  }
}

nlohmann::json Ledger::totals_json() const {
  const Totals& t = totals_;
  nlohmann::json j = {{"submitted", t.submitted}, {"delivered", t.delivered}, {"bounced", t.bounced},
                      {"queued", t.queued},       {"rejected", t.rejected},   {"retrieved", t.retrieved}};
  if (t.duplicates) j["duplicates"] = t.duplicates;
  return j;
}

nlohmann::json Ledger::message_json(const MessageRecord& m) const {
  auto opt = [](sim::Time v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json mj;
  mj["id"] = m.id;
  mj["from"] = m.from;
  mj["subject"] = m.subject;
  mj["message_id"] = m.message_id;
  mj["planned_us"] = m.planned_us;
  mj["composed_us"] = opt(m.composed_us);
  mj["submitted_us"] = opt(m.submitted_us);
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : m.rcpts) {
    nlohmann::json rj;
    rj["address"] = r.address;
    rj["status"] = r.status == RcptStatus::Planned && m.submitted_us < 0 ? "planned" : to_string(r.status);
    rj["delivered_us"] = opt(r.delivered_us);
    rj["retrieved_us"] = opt(r.retrieved_us);
    rj["bounced_us"] = opt(r.bounced_us);
    if (r.status == RcptStatus::Queued) rj["next_retry_us"] = opt(r.next_retry_us);
    rj["attempts"] = r.attempts;
    if (!r.detail.empty()) rj["detail"] = r.detail;
    if (!r.reason.empty()) rj["reason"] = r.reason;
    if (r.duplicates) rj["duplicates"] = r.duplicates;
    rs.push_back(std::move(rj));
  }
  if (m.bounce_of.empty()) {
    std::set<std::string> st;
    for (const auto& r : rs) st.insert(r["status"].get<std::string>());
    mj["status"] = st.size() == 1 ? *st.begin() : std::string("mixed");
  } else {
    mj["bounce_of"] = m.bounce_of;
    mj["created_by"] = m.created_by;
  }
  mj["recipients"] = std::move(rs);
  return mj;
}

nlohmann::json Ledger::summary_json(sim::Time end) const {
  nlohmann::json j;
  j["end_us"] = end;
  j["totals"] = totals_json();
  nlohmann::json msgs = nlohmann::json::array(), bounces = nlohmann::json::array();
  for_each([&](const MessageRecord& m) { (m.bounce_of.empty() ? msgs : bounces).push_back(message_json(m)); });
  j["messages"] = std::move(msgs);
  j["bounces"] = std::move(bounces);
  return j;
}

// The same text as summary_json(end).dump() (keys in nlohmann::json's sorted order), one
// message at a time: a run of a million messages never holds its whole summary as a tree.
void Ledger::write_summary(sim::Time end, const std::function<void(std::string_view)>& out) const {
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  auto list = [&](bool bounces) {
    out("[");
    bool first = true;
    for_each([&](const MessageRecord& m) {
      if (m.bounce_of.empty() == bounces) return;
      out(first ? "" : ",");
      first = false;
      out(dump(message_json(m)));
    });
    out("]");
  };
  out("{\"bounces\":");
  list(true);
  out(",\"end_us\":" + std::to_string(end) + ",\"messages\":");
  list(false);
  out(",\"totals\":" + dump(totals_json()) + "}");
}

}  // namespace mailsim::agents
