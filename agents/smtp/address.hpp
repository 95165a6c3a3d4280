#pragma once
// Reverse- and forward-paths (RFC 5321 section 4.1.2) and MAIL/RCPT parameters, parsed
// with the section 4.5.3.1 size limits. Pure functions over untrusted text.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::smtp {

struct Path {
  std::string local, domain;
  bool null() const { return local.empty() && domain.empty(); }
  // "local@domain"; "postmaster" for the domain-less postmaster; "" for the null path <>.
  std::string str() const;
  bool operator==(const Path&) const = default;
};

enum class PathError { None, Syntax, LocalTooLong, DomainTooLong, PathTooLong };

struct PathParse {
  PathError error = PathError::None;
  Path path;
  std::string_view rest;  // what follows the closing '>' (the parameters)
};

struct PathRules {
  bool allow_null = false;        // MAIL FROM:<>
  bool allow_postmaster = false;  // RCPT TO:<Postmaster> without a domain
  bool allow_utf8 = false;        // SMTPUTF8 (RFC 6531): 8-bit bytes in local part and domain
};

// Parses "<path>" at the start of `text`. Source routes (<@a,@b:user@d>) are accepted and
// dropped, as RFC 5321 section 4.1.1.3 asks of servers.
PathParse parse_path(std::string_view text, PathRules rules);

// "KEYWORD[=value]" parameters separated by spaces; keywords upper-cased. nullopt on bad
// syntax, or when a keyword repeats.
using Parameters = std::vector<std::pair<std::string, std::string>>;
std::optional<Parameters> parse_parameters(std::string_view text);

}  // namespace mailsim::smtp
