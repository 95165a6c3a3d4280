#include "visualize/story.hpp"

#include <algorithm>
#include <vector>

#include "sim/time.hpp"
#include "visualize/i18n.hpp"

namespace mailsim::viz {

std::string format_time(std::int64_t time_us) { return sim::format_duration(time_us); }

namespace {

// What a segment shows, gathered once so that each step's sentence is a simple template.
struct Facts {
  const Ev* first_request = nullptr;
  std::string client, server, server_agent;  // hosts of the first client/server pair
  std::string dns_server, mx_domain, mx_answer;
  std::string smtp_peer;   // host the sending MTA connects to
  std::vector<std::string> rcpts, commands;
  std::string user;        // POP3 USER
  std::vector<std::int64_t> conns;  // sessions seen (repeated polls merge into one segment)
  std::vector<std::string> clients;  // hosts of the clients of those sessions
  int failures = 0;
  bool auth = false, accepted = false, local_copy = false;
  const Ev* permanent = nullptr;
  const Ev* transient = nullptr;
  std::string address_in_note;
};

std::string first_address(const std::string& s) {
  const auto at = s.find('@');
  if (at == std::string::npos) return {};
  auto stop = [](char c) { return c == ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == '\''; };
  std::size_t b = at, e = at;
  while (b > 0 && !stop(s[b - 1])) --b;
  while (e < s.size() && !stop(s[e])) ++e;
  return s.substr(b, e - b);
}

std::string word(const std::string& s, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    pos = s.find(' ', pos);
    if (pos == std::string::npos) return {};
    ++pos;
  }
  return s.substr(pos, s.find(' ', pos) - pos);
}

Facts gather(const Model& m, const Segment& seg) {
  Facts f;
  std::string last_cmd;
  for (std::size_t i = seg.first; i <= seg.last; ++i) {
    const Ev& e = m.events[i];
    // Trailing lines of an earlier step tell nothing new; the relay client's lines do in step 4.
    if (e.step != seg.step && !(seg.step == 4 && e.step == 3)) continue;
    if (!e.alert.empty()) ++f.failures;
    if (e.conn >= 0 && std::find(f.conns.begin(), f.conns.end(), e.conn) == f.conns.end()) f.conns.push_back(e.conn);
    if (e.alert == "permanent" && !f.permanent) f.permanent = &e;
    if (e.alert == "transient" && !f.transient) f.transient = &e;
    if (e.kind == "note" && f.address_in_note.empty()) f.address_in_note = first_address(e.line);
    if (e.kind == "note" && e.step == 6) f.local_copy = true;
    if (e.kind != "line") continue;
    if (e.protocol == "DNS") {
      if (e.request() && f.dns_server.empty()) {
        f.dns_server = e.peer.host;
        if (word(e.line, 1) == "MX") f.mx_domain = word(e.line, 2);
      }
      if (e.response() && word(e.line, 2) == "MX" && f.mx_answer.empty()) f.mx_answer = word(e.line, 4);
      continue;
    }
    if (e.request()) {
      if (!f.first_request) {
        f.first_request = &e;
        f.client = e.actor.host;
        f.server = e.peer.host;
        f.server_agent = e.peer.agent;
      }
      if ((e.protocol == "SMTP" || e.protocol == "ESMTP") && f.smtp_peer.empty()) f.smtp_peer = e.peer.host;
      if (std::find(f.clients.begin(), f.clients.end(), e.actor.host) == f.clients.end()) f.clients.push_back(e.actor.host);
      std::string cmd = word(e.line, 0);
      std::transform(cmd.begin(), cmd.end(), cmd.begin(), [](unsigned char c) { return std::toupper(c); });
      if (e.line == ".") cmd = ".";
      if (cmd == "AUTH") f.auth = true;
      if (cmd == "RCPT") f.rcpts.push_back(first_address(e.line));
      if (cmd == "USER") f.user = word(e.line, 1);
      if (e.protocol == "POP3" && std::find(f.commands.begin(), f.commands.end(), cmd) == f.commands.end())
        f.commands.push_back(cmd);
      last_cmd = cmd;
    } else if (e.response() && last_cmd == "." && e.line.size() > 0 && e.line[0] == '2') {
      f.accepted = true;
    }
  }
  return f;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string outcome(const Facts& f, Lang L) {
  if (f.permanent)
    return pick(L, " It fails permanently: ", " Falla de forma permanente: ") + f.permanent->line;
  if (f.transient)
    return pick(L, " It fails for now and will be retried: ", " Falla por ahora y se reintentará: ") + f.transient->line;
  return {};
}

std::string compose(const Model& m, const Segment& s, const Facts& f, Lang L) {
  const nlohmann::json* msg = s.msg.empty() ? nullptr : m.message(s.msg);
  const std::string host = m.events[s.first].actor.host;
  if (!msg) return pick(L, "A user writes a message with the MUA on ", "Un usuario redacta un mensaje con el MUA de ") + host + ".";
  std::vector<std::string> to;
  for (const auto& t : (*msg)["to"]) to.push_back(t.get<std::string>());
  const std::string from = (*msg)["from"].get<std::string>(), subject = (*msg)["subject"].get<std::string>();
  (void)f;
  if (L == Lang::Es)
    return from + " (remitente) redacta el mensaje " + s.msg + " para " + join(to) + " (destinatario) con su MUA en " +
           host + "; asunto: «" + subject + "».";
  return from + " (sender) writes message " + s.msg + " to " + join(to) + " (recipient) with the MUA on " + host +
         "; subject: “" + subject + "”.";
}

std::string submit(const Model&, const Segment&, const Facts& f, Lang L) {
  if (!f.first_request) return pick(L, "The message waits in the queue of the local mail server.",
                                    "El mensaje espera en la cola (almacén) del servidor de correo local.");
  const bool msa = f.server_agent == "MSA";
  std::string s = L == Lang::Es
      ? "El MUA de " + f.client + " envía el mensaje al " + f.server_agent + " de " + f.server + " por SMTP" +
            (msa ? " (envío, puerto 587)" : " (puerto 25)") + (f.auth ? ", tras autenticarse con AUTH" : "") + "."
      : "The MUA on " + f.client + " submits the message to the " + f.server_agent + " of " + f.server + " over SMTP" +
            (msa ? " (submission, port 587)" : " (port 25)") + (f.auth ? ", after logging in with AUTH" : "") + ".";
  if (f.accepted)
    s += pick(L, " The server accepts it and puts it in its queue for delivery.",
              " El servidor lo acepta y lo deja en su almacén (cola) con una solicitud de envío.");
  return s + outcome(f, L);
}

std::string relay(const Model& m, const Segment& s, const Facts& f, Lang L) {
  std::string host = m.events[s.first].actor.host;
  for (std::size_t i = s.first; i <= s.last; ++i)
    if (m.events[i].actor.agent == "MTA") { host = m.events[i].actor.host; break; }
  const std::string mta = L == Lang::Es ? "El MTA de " + m.domain_of(host) + " (" + host + ")"
                                        : "The MTA of " + m.domain_of(host) + " (" + host + ")";
  std::string out;
  if (!f.dns_server.empty()) {
    out = L == Lang::Es ? mta + " pregunta al DNS (" + f.dns_server + ") por el MX de " + f.mx_domain
                        : mta + " asks the DNS (" + f.dns_server + ") for the MX of " + f.mx_domain;
    out += f.mx_answer.empty() ? "." : pick(L, ": it is ", ": es ") + f.mx_answer + ".";
  }
  if (!f.smtp_peer.empty()) {
    out += (out.empty() ? mta : std::string(pick(L, " Then it", " Después"))) +
           pick(L, " connects over SMTP (port 25) to ", " se conecta por SMTP (puerto 25) a ") + f.smtp_peer +
           pick(L, " to hand the message over.", " para iniciar la negociación y pasarle el mensaje.");
  }
  if (out.empty()) {
    if (f.permanent)
      return mta + pick(L, " gives up: a bounce (non-delivery report) goes back to the sender.",
                        " se rinde: un aviso de no entrega (rebote) vuelve al remitente.");
    if (f.transient)
      return mta + pick(L, " keeps the message in its queue and will try again later.",
                        " conserva el mensaje en su cola y lo reintentará más tarde.");
    return mta + pick(L, " takes the message from its queue.", " recupera el mensaje de su cola.");
  }
  return out + outcome(f, L);
}

std::string accept(const Model& m, const Segment& s, const Facts& f, Lang L) {
  std::string host = m.events[s.first].actor.host;
  for (std::size_t i = s.first; i <= s.last; ++i)
    if (m.events[i].step == 4) { host = m.events[i].actor.host; break; }
  const std::string rcpts = f.rcpts.empty() ? f.address_in_note : join(f.rcpts);
  const std::string sender = f.client.empty() ? std::string() : f.client;
  std::string out = L == Lang::Es
      ? "El MTA de " + m.domain_of(host) + " (" + host + ")" + (sender.empty() ? "" : " atiende a " + sender + ",") +
            " valida la operación" + (rcpts.empty() ? "" : " para " + rcpts)
      : "The MTA of " + m.domain_of(host) + " (" + host + ")" + (sender.empty() ? "" : " talks with " + sender + ",") +
            " checks the request" + (rcpts.empty() ? "" : " for " + rcpts);
  if (f.permanent) return out + pick(L, " and refuses it: ", " y la rechaza: ") + f.permanent->line;
  if (f.transient) return out + pick(L, " and refuses it for now: ", " y la rechaza por ahora: ") + f.transient->line;
  return out + pick(L, " and receives the message: from now on it is responsible for delivering it.",
                    " y recibe el correo: desde ahora es responsable de entregarlo.");
}

std::string deliver(const Model& m, const Segment& s, const Facts& f, Lang L) {
  const std::string host = m.events[s.first].actor.host;
  std::string who = f.address_in_note;
  if (who.empty() && !s.msg.empty())
    if (const auto* msg = m.message(s.msg); msg && !(*msg)["to"].empty()) who = (*msg)["to"][0].get<std::string>();
  return (L == Lang::Es ? "El MDA de " + host + " deposita el mensaje en el buzón de " + who + "."
                        : "The MDA on " + host + " stores the message in the mailbox of " + who + ".") +
         outcome(f, L);
}

std::string retrieve(const Model& m, const Segment& s, const Facts& f, Lang L) {
  const std::string host = m.events[s.first].actor.host;
  if (!f.first_request && f.transient)
    return (L == Lang::Es ? "El MUA de " + host + " no consigue recuperar el correo"
                          : "The MUA on " + host + " cannot fetch the mail") +
           (f.failures > 1 ? (L == Lang::Es ? " (" + std::to_string(f.failures) + " intentos): "
                                            : " (" + std::to_string(f.failures) + " attempts): ")
                           : std::string(": ")) + f.transient->line;
  if (!f.first_request)
    return L == Lang::Es ? "El MUA de " + host + " guarda una copia local del mensaje."
                         : "The MUA on " + host + " keeps a local copy of the message.";
  const std::string cmds = f.commands.empty() ? "" : " (" + join(f.commands) + ")";
  if (f.clients.size() > 1)  // polls of several users at the same moment
    return (L == Lang::Es ? "Los MUA de " + join(f.clients) + " consultan sus buzones por POP3"
                          : "The MUAs on " + join(f.clients) + " check their mailboxes over POP3") + cmds + ".";
  std::string out = L == Lang::Es
      ? "El MUA de " + f.client + " recupera el correo" + (f.user.empty() ? "" : " de " + f.user) +
            " desde el servidor POP3 " + f.server + cmds
      : "The MUA on " + f.client + " retrieves the mail" + (f.user.empty() ? "" : " of " + f.user) +
            " from the POP3 server " + f.server + cmds;
  if (f.conns.size() > 1)
    out += L == Lang::Es ? ", " + std::to_string(f.conns.size()) + " veces (una por consulta periódica)"
                         : ", " + std::to_string(f.conns.size()) + " times (one per periodic check)";
  out += f.local_copy ? pick(L, " and keeps a local copy.", " y guarda una copia local en el ordenador del destinatario.") : ".";
  if (f.transient) out += pick(L, " One command failed: ", " Una orden falló: ") + f.transient->line;
  return out;
}

// A link is either the actor/peer pair or an actor host written "a--b".
std::string fault(const Ev& e, Lang L) {
  const bool up = e.alert.empty();
  if (L == Lang::En) return std::string(up ? "The network is repaired: " : "Network fault: ") + e.line + ".";
  std::string link;
  if (e.has_peer && e.peer.host != e.actor.host) link = e.actor.host + " – " + e.peer.host;
  if (const auto sep = e.actor.host.find("--"); sep != std::string::npos)
    link = e.actor.host.substr(0, sep) + " – " + e.actor.host.substr(sep + 2);
  if (e.line.find("loses") != std::string::npos)
    return "Fallo de red: el enlace " + link + " pierde paquetes (" + e.line + ").";
  if (!link.empty()) return up ? "La red se recupera: el enlace " + link + " vuelve a funcionar." : "Fallo de red: el enlace " + link + " se cae.";
  return up ? "La red se recupera: el equipo " + e.actor.host + " vuelve a funcionar." : "Fallo de red: el equipo " + e.actor.host + " se cae.";
}

}  // namespace

std::string segment_sentence(const Model& m, const Segment& s, Lang L) {
  const Ev& first = m.events[s.first];
  if (first.kind == "fault") return fault(first, L);
  const Facts f = gather(m, s);
  switch (s.step) {
    case 1: return compose(m, s, f, L);
    case 2: return submit(m, s, f, L);
    case 3: return relay(m, s, f, L);
    case 4: return accept(m, s, f, L);
    case 5: return deliver(m, s, f, L);
    default: return retrieve(m, s, f, L);
  }
}

}  // namespace mailsim::viz
