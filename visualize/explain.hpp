#pragma once
// What each protocol line means, for the viewer's arrow details: a table of SMTP commands,
// reply codes, enhanced status codes and extensions, POP3 commands and replies, and DNS
// records, in English and Spanish, each with the RFC section that defines it.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "visualize/model.hpp"

namespace mailsim::viz {

struct Explanation {
  const char* en;
  const char* es;
  const char* rfc;
};

const std::map<std::string, Explanation>& explanations();

// Per event, the table keys that explain it, most specific first (e.g. "smtp.reply.550",
// "esc.1.1"). Replies are explained with the command they answer, so keys need the whole run.
std::vector<std::vector<std::string>> explain_keys(const Model&);

// {key: {"en":…, "es":…, "rfc":…}} for the viewer.
nlohmann::json explanations_json();

}  // namespace mailsim::viz
