#include "sim/line_reader.hpp"

namespace mailsim {

std::optional<Line> LineReader::next() {
  while (pos_ < pending_.size()) {
    const std::size_t lf = pending_.find('\n', pos_);
    const std::size_t end = lf == std::string::npos ? pending_.size() : lf;
    if (!discarding_) {
      // Keep at most limit + 1 bytes: the text and, possibly, its CR.
      const std::size_t room = limit_ + 1 - partial_.size();
      const std::size_t n = end - pos_;
      partial_.append(pending_, pos_, std::min(n, room));
      if (n > room) discarding_ = true;
    }
    if (lf == std::string::npos) {
      pos_ = pending_.size();
      break;
    }
    pos_ = lf + 1;
    Line line;
    line.bare_lf = partial_.empty() || partial_.back() != '\r';
    if (!line.bare_lf && !discarding_) partial_.pop_back();
    if (discarding_ || partial_.size() > limit_) {
      line.overlong = true;
      partial_.resize(std::min(partial_.size(), limit_));
    }
    line.text = std::move(partial_);
    partial_.clear();
    discarding_ = false;
    if (pos_ == pending_.size()) { pending_.clear(); pos_ = 0; }
    return line;
  }
  pending_.clear();
  pos_ = 0;
  return std::nullopt;
}

}  // namespace mailsim
