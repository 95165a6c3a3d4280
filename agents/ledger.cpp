#include "agents/ledger.hpp"

#include <algorithm>
#include <cctype>

namespace mailsim::agents {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
bool is_final(RcptStatus s) {
  return s == RcptStatus::Delivered || s == RcptStatus::Bounced || s == RcptStatus::Rejected;
}
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

void Ledger::plan(MessageRecord m) {
  for (auto& r : m.rcpts) r.address = lower(r.address);
  by_id_[m.id] = messages_.size();
  if (!m.message_id.empty()) by_message_id_[m.message_id] = m.id;
  messages_.push_back(std::move(m));
}

std::string Ledger::plan_bounce(const std::string& of, const std::string& message_id, const std::string& to) {
  MessageRecord m;
  m.id = "bounce-" + std::to_string(++bounces_);
  m.from = "";
  m.subject = "Undelivered Mail Returned to Sender";
  m.message_id = message_id;
  m.bounce_of = of;
  RcptRecord r;
  r.address = to;
  m.rcpts.push_back(r);
  m.rcpts.back().status = RcptStatus::InTransit;
  const std::string id = m.id;
  plan(std::move(m));
  return id;
}

std::string Ledger::id_for_message_id(const std::string& message_id) const {
  auto it = by_message_id_.find(message_id);
  return it == by_message_id_.end() ? std::string() : it->second;
}

const MessageRecord* Ledger::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &messages_[it->second];
}

RcptRecord* Ledger::rcpt(const std::string& id, const std::string& address) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  const std::string a = lower(address);
  for (auto& r : messages_[it->second].rcpts)
    if (r.address == a) return &r;
  return nullptr;
}

void Ledger::submitted(const std::string& id, sim::Time t) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  MessageRecord& m = messages_[it->second];
  if (m.submitted_us < 0) m.submitted_us = t;
  for (auto& r : m.rcpts)
    if (r.status == RcptStatus::Planned) r.status = RcptStatus::InTransit;
}

void Ledger::rejected(const std::string& id, const std::string& address, const std::string& reason) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  for (auto& r : messages_[it->second].rcpts) {
    if (!address.empty() && r.address != lower(address)) continue;
    if (is_final(r.status)) continue;
    r.status = RcptStatus::Rejected;
    r.detail = reason;
  }
}

void Ledger::deferred(const std::string& id, const std::string& address, sim::Time next_retry,
                      const std::string& reason) {
  if (RcptRecord* r = rcpt(id, address); r && !is_final(r->status)) {
    r->status = RcptStatus::Queued;
    r->next_retry_us = next_retry;
    r->detail = reason;
    ++r->attempts;
  }
}

void Ledger::delivered(const std::string& id, const std::string& address, sim::Time t) {
  RcptRecord* r = rcpt(id, address);
  if (r && r->status == RcptStatus::Delivered) {
    ++r->duplicates;
    return;
  }
  if (r && !is_final(r->status)) {
    r->status = RcptStatus::Delivered;
    r->delivered_us = t;
    r->next_retry_us = -1;
  }
}

void Ledger::bounced(const std::string& id, const std::string& address, sim::Time t, const std::string& reason) {
  if (RcptRecord* r = rcpt(id, address); r && !is_final(r->status)) {
    r->status = RcptStatus::Bounced;
    r->bounced_us = t;
    r->detail = reason;
    r->next_retry_us = -1;
  }
}

void Ledger::retrieved(const std::string& id, const std::string& mailbox, sim::Time t) {
  if (RcptRecord* r = rcpt(id, mailbox); r && r->retrieved_us < 0) r->retrieved_us = t;
}

bool Ledger::settled() const {
  for (const auto& m : messages_) {
    for (const auto& r : m.rcpts) {
      if (r.status == RcptStatus::Planned && m.submitted_us < 0) return false;
      if (!is_final(r.status)) return false;
      if (r.status == RcptStatus::Delivered && r.retrieved_us < 0 && pollers_.count(r.address)) return false;
    }
  }
  return true;
}

Totals Ledger::totals() const {
  Totals t;
  for (const auto& m : messages_) {
    if (!m.bounce_of.empty()) continue;
    for (const auto& r : m.rcpts) {
      if (r.status == RcptStatus::Planned) continue;  // never composed (run ended first)
      ++t.submitted;
      switch (r.status) {
        case RcptStatus::Delivered: ++t.delivered; break;
        case RcptStatus::Bounced: ++t.bounced; break;
        case RcptStatus::Rejected: ++t.rejected; break;
        default: ++t.queued; break;
      }
      if (r.retrieved_us >= 0) ++t.retrieved;
      t.duplicates += static_cast<std::uint64_t>(r.duplicates);
    }
  }
  return t;
}

std::vector<std::string> Ledger::conservation_errors() const {
  std::vector<std::string> errors;
  const Totals t = totals();
  if (t.submitted != t.delivered + t.bounced + t.queued + t.rejected)
    errors.push_back("submitted != delivered + bounced + queued + rejected");
  for (const auto& m : messages_)
    for (const auto& r : m.rcpts)
      if (r.status == RcptStatus::Delivered && r.delivered_us < 0)
        errors.push_back(m.id + " to " + r.address + ": delivered without a time");
  return errors;
}

nlohmann::json Ledger::summary_json(sim::Time end) const {
  const Totals t = totals();
  nlohmann::json j;
  j["end_us"] = end;
  j["totals"] = {{"submitted", t.submitted}, {"delivered", t.delivered}, {"bounced", t.bounced},
                 {"queued", t.queued},       {"rejected", t.rejected},   {"retrieved", t.retrieved}};
  if (t.duplicates) j["totals"]["duplicates"] = t.duplicates;
  nlohmann::json msgs = nlohmann::json::array(), bounces = nlohmann::json::array();
  for (const auto& m : messages_) {
    nlohmann::json mj;
    mj["id"] = m.id;
    mj["from"] = m.from;
    mj["subject"] = m.subject;
    mj["message_id"] = m.message_id;
    mj["planned_us"] = m.planned_us;
    mj["submitted_us"] = m.submitted_us >= 0 ? nlohmann::json(m.submitted_us) : nlohmann::json(nullptr);
    nlohmann::json rs = nlohmann::json::array();
    for (const auto& r : m.rcpts) {
      nlohmann::json rj;
      rj["address"] = r.address;
      rj["status"] = r.status == RcptStatus::Planned && m.submitted_us < 0 ? "planned" : to_string(r.status);
      auto opt = [](sim::Time v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
      rj["delivered_us"] = opt(r.delivered_us);
      rj["retrieved_us"] = opt(r.retrieved_us);
      rj["bounced_us"] = opt(r.bounced_us);
      if (r.status == RcptStatus::Queued) rj["next_retry_us"] = opt(r.next_retry_us);
      rj["attempts"] = r.attempts;
      if (r.duplicates) rj["duplicates"] = r.duplicates;
      if (!r.detail.empty()) rj["detail"] = r.detail;
      rs.push_back(rj);
    }
    mj["recipients"] = rs;
    if (m.bounce_of.empty()) {
      mj["status"] = [&] {
        std::set<std::string> st;
        for (const auto& r : rs) st.insert(r["status"].get<std::string>());
        return st.size() == 1 ? *st.begin() : std::string("mixed");
      }();
      msgs.push_back(mj);
    } else {
      mj["bounce_of"] = m.bounce_of;
      bounces.push_back(mj);
    }
  }
  j["messages"] = msgs;
  j["bounces"] = bounces;
  return j;
}

}  // namespace mailsim::agents
