#include <cctype>
#include <deque>
#include <map>

#include "visualize/explain.hpp"

namespace mailsim::viz {
namespace {

std::string upper_word(const std::string& line, std::size_t from = 0) {
  std::string w;
  for (std::size_t i = from; i < line.size() && line[i] != ' ' && line[i] != ':' && line[i] != '='; ++i)
    w += static_cast<char>(std::toupper(static_cast<unsigned char>(line[i])));
  return w;
}

bool has(const std::string& key) { return explanations().count(key) != 0; }

bool contains(const std::string& s, const char* word) { return s.find(word) != std::string::npos; }

// Per-connection memory: commands still waiting for their reply (PIPELINING sends several
// before the first reply), the command the current reply answers, and whether a multi-line
// reply is open.
struct ConnState {
  std::deque<std::string> pending;
  std::string last_cmd;
  bool any_request = false;
  bool continued = false;
  void answer() {  // a reply starts: it answers the oldest command still waiting
    last_cmd = pending.empty() ? std::string() : pending.front();
    if (!pending.empty()) pending.pop_front();
  }
};

void smtp_reply(const Ev& e, ConnState& st, std::vector<std::string>& keys) {
  int code = e.code;
  if (code == 0 && e.line.size() >= 3 && std::isdigit(static_cast<unsigned char>(e.line[0])) &&
      std::isdigit(static_cast<unsigned char>(e.line[1])) && std::isdigit(static_cast<unsigned char>(e.line[2])))
    code = std::stoi(e.line.substr(0, 3));
  const bool cont = e.line.size() > 3 && e.line[3] == '-';
  const bool multiline = cont || st.continued;
  if (!st.continued) st.answer();
  if (multiline && st.last_cmd == "EHLO" && st.continued && e.line.size() > 4) {
    const std::string kw = upper_word(e.line, 4);
    if (has("smtp.ext." + kw)) keys.push_back("smtp.ext." + kw);
  }
  if (st.last_cmd == "." && code / 100 == 2) keys.push_back("smtp.ctx.data_end");
  if (code >= 100) {
    const std::string exact = "smtp.reply." + std::to_string(code);
    keys.push_back(has(exact) ? exact : "smtp.reply." + std::to_string(code / 100) + "xx");
  }
  // Enhanced status code "c.s.d" right after the reply code; its class repeats the code's.
  if (e.line.size() > 9 && code >= 200) {
    const std::size_t p = 4;
    if (e.line[p] - '0' == code / 100 && e.line[p + 1] == '.') {
      std::size_t q = p + 2, s_end = q;
      while (s_end < e.line.size() && std::isdigit(static_cast<unsigned char>(e.line[s_end]))) ++s_end;
      if (s_end > q && s_end < e.line.size() && e.line[s_end] == '.') {
        std::size_t d_end = s_end + 1;
        while (d_end < e.line.size() && std::isdigit(static_cast<unsigned char>(e.line[d_end]))) ++d_end;
        const std::string subject = e.line.substr(q, s_end - q);
        const std::string detail = e.line.substr(s_end + 1, d_end - s_end - 1);
        if (has("esc." + subject + "." + detail))
          keys.push_back("esc." + subject + "." + detail);
        else if (has("esc." + subject + ".0"))
          keys.push_back("esc." + subject + ".0");
      }
    }
  }
  if (multiline) keys.push_back("smtp.ctx.multiline");
  st.continued = cont;
}

void pop3_reply(const Ev& e, ConnState& st, std::vector<std::string>& keys) {
  if (e.line == ".") {
    keys.push_back("pop3.end");
  } else if (e.line.rfind("+OK", 0) == 0) {
    st.answer();
    if (!st.any_request)
      keys.push_back("pop3.ok.greeting");
    else if (has("pop3.ok." + st.last_cmd))
      keys.push_back("pop3.ok." + st.last_cmd);
    keys.push_back("pop3.ok");
  } else if (e.line.rfind("-ERR", 0) == 0) {
    st.answer();
    keys.push_back("pop3.err");
  } else {
    keys.push_back("pop3.multiline");
  }
}

void dns_line(const Ev& e, std::vector<std::string>& keys) {
  const std::string up = upper_word(e.line);
  if (contains(e.line, "NXDOMAIN")) {
    keys.push_back("dns.nxdomain");
  } else if (contains(e.line, "SERVFAIL") || contains(e.line, "TIMEOUT") || contains(e.line, "timed out")) {
    keys.push_back("dns.servfail");
  } else if (up == "QUERY") {
    const std::string type = upper_word(e.line, 6);
    keys.push_back(has("dns.query." + type) ? "dns.query." + type : "dns.query.other");
  } else {
    // "ANSWER example.com MX 10 mail.example.com": the type is the third word.
    std::string type;
    std::size_t pos = 0;
    for (int w = 0; w < 2 && pos != std::string::npos; ++w) {
      pos = e.line.find(' ', pos);
      if (pos != std::string::npos) ++pos;
    }
    if (pos != std::string::npos) type = upper_word(e.line, pos);
    keys.push_back(has("dns.answer." + type) ? "dns.answer." + type
                                             : e.request() ? "dns.query.other" : "dns.answer.other");
  }
}

}  // namespace

std::vector<std::vector<std::string>> explain_keys(const Model& m) {
  std::vector<std::vector<std::string>> out(m.events.size());
  std::map<std::int64_t, ConnState> conns;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    auto& keys = out[i];
    ConnState& st = conns[e.conn];  // conn -1 groups lines without a connection
    const bool smtp = e.protocol == "SMTP" || e.protocol == "ESMTP";
    if (e.is_fault()) {
      keys.push_back("fault");
    } else if (e.is_fact()) {
      // A fact is explained by what kind of decision it is: the vocabulary names it.
      keys.push_back(has("fact." + e.fact) ? "fact." + e.fact : "fact");
    } else if (e.kind == "content") {
      keys.push_back(e.protocol == "POP3" ? "content.pop3" : "content.smtp");
    } else if (e.protocol == "DNS") {
      dns_line(e, keys);
    } else if (smtp && e.request()) {
      const std::string w = e.line == "." ? "." : upper_word(e.line);
      keys.push_back(w == "." ? "smtp.data.end" : has("smtp.cmd." + w) ? "smtp.cmd." + w : "smtp.cmd.other");
      st.pending.push_back(w);
      st.any_request = true;
    } else if (smtp) {
      smtp_reply(e, st, keys);
    } else if (e.protocol == "POP3" && e.request()) {
      const std::string w = upper_word(e.line);
      keys.push_back(has("pop3.cmd." + w) ? "pop3.cmd." + w : "pop3.cmd.other");
      st.pending.push_back(w);
      st.any_request = true;
    } else if (e.protocol == "POP3") {
      pop3_reply(e, st, keys);
    }
  }
  return out;
}

}  // namespace mailsim::viz
