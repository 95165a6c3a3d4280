#include "sim/line_reader.hpp"

namespace mailsim {

void LineReader::release() {
  if (partial_returned_) {
    partial_.clear();  // keeps its capacity, at most limit + 1: no allocation for the next long line
    partial_returned_ = false;
  }
  if (pos_ == pending_.size()) {
    pending_.clear();
    pos_ = 0;
  }
}

// A line is `text` (the bytes before its LF, at most limit + 1 of them kept) cut as the bound
// says. Most lines arrive whole in one feed and are returned as views into pending_, uncopied;
// a line split across feeds is gathered in partial_.
std::optional<LineView> LineReader::next() {
  release();
  while (pos_ < pending_.size()) {
    const std::size_t lf = pending_.find('\n', pos_);
    const std::size_t end = lf == std::string::npos ? pending_.size() : lf;
    const std::size_t n = end - pos_;
    std::string_view kept;
    if (lf != std::string::npos && partial_.empty() && !discarding_) {
      kept = std::string_view(pending_).substr(pos_, std::min(n, limit_ + 1));
      discarding_ = n > limit_ + 1;
    } else {
      if (!discarding_) {
        // Keep at most limit + 1 bytes: the text and, possibly, its CR.
        const std::size_t room = limit_ + 1 - partial_.size();
        partial_.append(pending_, pos_, std::min(n, room));
        if (n > room) discarding_ = true;
      }
      if (lf == std::string::npos) {
        pos_ = pending_.size();
        break;
      }
      kept = partial_;
      partial_returned_ = true;
    }
    pos_ = lf + 1;
    LineView line;
    line.bare_lf = kept.empty() || kept.back() != '\r';
    if (!line.bare_lf && !discarding_) kept.remove_suffix(1);
    if (discarding_ || kept.size() > limit_) {
      line.overlong = true;
      kept = kept.substr(0, limit_);
    }
    line.text = kept;
    discarding_ = false;
    return line;
  }
  pending_.clear();
  pos_ = 0;
  return std::nullopt;
}

std::string_view LineReader::plain_run(char special) {
  release();
  if (!partial_.empty() || discarding_) return {};
  const std::size_t begin = pos_;
  std::size_t p = pos_;
  while (p < pending_.size() && pending_[p] != special) {
    const std::size_t lf = pending_.find('\n', p);
    // Incomplete, a bare LF, or longer than the bound: next() knows what to do with it.
    if (lf == std::string::npos || lf == p || pending_[lf - 1] != '\r' || lf - p - 1 > limit_) break;
    p = lf + 1;
  }
  pos_ = p;
  return std::string_view(pending_).substr(begin, p - begin);
}

}  // namespace mailsim
