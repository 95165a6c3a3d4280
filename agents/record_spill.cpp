#include "agents/record_spill.hpp"

#include <cstring>
#include <stdexcept>

namespace mailsim::agents {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) { out_.clear(); }
  void i64(std::int64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) {
    i64(static_cast<std::int64_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  std::int64_t i64() {
    std::int64_t v;
    need(sizeof v);
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = static_cast<std::size_t>(i64());
    need(n);
    std::string s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) throw std::runtime_error("ledger spill: truncated record");
  }
  const std::string& in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<RecordSpill::Ref> RecordSpill::write(const MessageRecord& m) {
  if (failed_) return std::nullopt;
  if (!file_) {
    file_.reset(std::tmpfile());
    if (!file_) {
      failed_ = true;
      return std::nullopt;
    }
  }
  Writer w(buffer_);
  for (const std::string* s : {&m.id, &m.from, &m.subject, &m.message_id, &m.bounce_of, &m.created_by}) w.str(*s);
  for (sim::Time t : {m.planned_us, m.composed_us, m.submitted_us}) w.i64(t);
  w.i64(static_cast<std::int64_t>(m.rcpts.size()));
  for (const auto& r : m.rcpts) {
    for (const std::string* s : {&r.address, &r.detail, &r.reason, &r.retrieved_by}) w.str(*s);
    for (sim::Time t : {r.delivered_us, r.retrieved_us, r.bounced_us, r.next_retry_us}) w.i64(t);
    w.i64(static_cast<std::int64_t>(r.status));
    w.i64(r.attempts);
    w.i64(r.duplicates);
  }
  if (buffer_.size() > UINT32_MAX || std::fseek(file_.get(), static_cast<long>(end_), SEEK_SET) != 0 ||
      std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size()) {
    failed_ = true;  // a full disk: keep this and later records in memory
    return std::nullopt;
  }
  const Ref ref{end_, static_cast<std::uint32_t>(buffer_.size())};
  end_ += buffer_.size();
  return ref;
}

MessageRecord RecordSpill::read(Ref ref) const {
  buffer_.resize(ref.length);
  if (!file_ || std::fseek(file_.get(), static_cast<long>(ref.offset), SEEK_SET) != 0 ||
      std::fread(buffer_.data(), 1, ref.length, file_.get()) != ref.length)
    throw std::runtime_error("ledger spill: cannot read back a record");
  Reader r(buffer_);
  MessageRecord m;
  for (std::string* s : {&m.id, &m.from, &m.subject, &m.message_id, &m.bounce_of, &m.created_by}) *s = r.str();
  for (sim::Time* t : {&m.planned_us, &m.composed_us, &m.submitted_us}) *t = r.i64();
  m.rcpts.resize(static_cast<std::size_t>(r.i64()));
  for (auto& x : m.rcpts) {
    for (std::string* s : {&x.address, &x.detail, &x.reason, &x.retrieved_by}) *s = r.str();
    for (sim::Time* t : {&x.delivered_us, &x.retrieved_us, &x.bounced_us, &x.next_retry_us}) *t = r.i64();
    x.status = static_cast<RcptStatus>(r.i64());
    x.attempts = static_cast<int>(r.i64());
    x.duplicates = static_cast<int>(r.i64());
  }
  return m;
}

}  // namespace mailsim::agents
