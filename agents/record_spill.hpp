#pragma once
// A temporary file that holds the ledger's records of finished messages, so that a run of a
// million messages does not keep a million records in memory. Records are written once in a
// compact binary form and read back by position; the file is deleted when the spill goes.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "agents/ledger_record.hpp"

namespace mailsim::agents {

class RecordSpill {
 public:
  struct Ref {
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
  };
  // nullopt when no temporary file can be written: the caller keeps the record in memory.
  std::optional<Ref> write(const MessageRecord& m);
  MessageRecord read(Ref ref) const;

 private:
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Close> file_;
  std::uint64_t end_ = 0;
  bool failed_ = false;
  mutable std::string buffer_;
};

}  // namespace mailsim::agents
