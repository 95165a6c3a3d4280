// Terminal narration: the golden stories (tests/fixtures/golden, written by
// tests/fixtures/regenerate.py), the catalogue's completeness and the pause between beats.
#include <catch2/catch.hpp>

#include <sstream>

#include "agents/trace/vocabulary.hpp"
#include "helpers.hpp"
#include "visualize/catalogue.hpp"
#include "visualize/model.hpp"
#include "visualize/narrate.hpp"
#include "visualize/tell.hpp"

using namespace mailsim::viz;
namespace tr = mailsim::trace;

TEST_CASE("six-steps narration is the golden story", "[narrate]") {
  for (auto [lang, file] : {std::pair{Lang::En, "six-steps.en.txt"}, std::pair{Lang::Es, "six-steps.es.txt"}}) {
    std::ostringstream out;
    REQUIRE(narrate(vizt::trace("six-steps"), lang, out, nullptr) == 0);
    const auto path = std::filesystem::path(MAILSIM_SOURCE_DIR) / "tests" / "fixtures" / "golden" / file;
    INFO("golden file " << path << " (tests/fixtures/regenerate.py rewrites it)");
    CHECK(out.str() == vizt::read(path));
  }
}

TEST_CASE("the Spanish narration uses the classroom vocabulary", "[narrate]") {
  std::ostringstream out;
  narrate(vizt::trace("six-steps"), Lang::Es, out, nullptr);
  const std::string s = out.str();
  for (const char* word : {"Paso 3", "remitente", "destinatario", "buzón", "Pregunta al DNS", "registro MX",
                           "copia local", "Totales:", "cola de salida", "cliente de otro MTA",
                           "como servidor de otro MTA", "intermediario entre un agente de envío y otro MTA",
                           "comprueba que bob@example.com existe", "[contenido del mensaje: "})
    CHECK(s.find(word) != std::string::npos);
  for (const char* english : {"message content", "composes", "accepted", "mailbox of", "retrieval failed", "totals"})
    CHECK(s.find(english) == std::string::npos);
}

TEST_CASE("with pause, narration waits for Enter between beats", "[narrate]") {
  std::istringstream in("\n\n\n\n\n\n\n");
  std::ostringstream out;
  narrate(vizt::trace("six-steps"), Lang::En, out, &in);
  CHECK(vizt::count(out.str(), "-- press Enter for the next step --") == 4);  // five beats, four pauses
  CHECK(in.get() == '\n');
}

TEST_CASE("end of input stops the pausing instead of blocking", "[narrate]") {
  std::istringstream in("\n");
  std::ostringstream out;
  narrate(vizt::trace("six-steps"), Lang::Es, out, &in);
  CHECK(vizt::count(out.str(), "-- pulse Intro para el paso siguiente --") == 2);
  CHECK(out.str().find("Paso 6") != std::string::npos);
}

TEST_CASE("narrate rejects an invalid trace", "[narrate]") {
  std::ostringstream out;
  CHECK_THROWS_AS(narrate(nlohmann::json::object(), Lang::En, out, nullptr), TraceError);
}

namespace {
// Fills a fact's fields for variant v.
struct Vary {
  int v;
  int k = 0;
  void operator()(const char*, std::string& s) { s = "x@example.com"; }
  void operator()(const char*, bool& b) { b = (v >> (k++ % 3)) & 1; }
  void operator()(const char*, int& n) { n = v; }
  void operator()(const char*, std::int64_t& n) { n = v * 1000; }
  void operator()(const char*, double& d) { d = v % 2 ? 0.2 : 0; }
  template <class E>
    requires std::is_enum_v<E>
  void operator()(const char*, E& e) {
    e = static_cast<E>(v % tr::EnumNames<E>::names.size());
  }
  template <class X>
  void operator()(const char* n, std::optional<X>& o) {
    if ((v + k++) % 2) {
      X inner{};
      (*this)(n, inner);
      o = inner;
    }
  }
  void operator()(const char*, tr::ReplyInfo& r) { r = {v % 2 ? 451 : 550, "5.1.1", "550 5.1.1 nope"}; }
  void operator()(const char*, std::vector<std::string>& l) { l.assign(1 + v % 3, "x@example.com"); }
  void operator()(const char*, std::vector<tr::MtaRole>& l) { l = {tr::MtaRole::Client, tr::MtaRole::Intermediary}; }
  void operator()(const char*, std::vector<tr::Exchanger>& l) { l.assign(1 + v % 2, tr::Exchanger{"mx", 10, "1.2.3.4"}); }
  void operator()(const char*, tr::Link& l) { l = {"a", "b"}; }
};

// Every variant of every fact: each enum value of each enum field, each optional present
// and absent, every boolean both ways.
template <std::size_t I = 0>
void each_fact_variant(auto&& f) {
  if constexpr (I < tr::kFactCount) {
    using T = std::variant_alternative_t<I, tr::Fact>;
    for (int variant = 0; variant < 12; ++variant) {
      T x{};
      Vary vary{variant};
      x.fields(vary);
      f(tr::Fact{x});
    }
    each_fact_variant<I + 1>(f);
  }
}
}  // namespace

TEST_CASE("every fact, in every variant, has a sentence in both languages", "[catalogue]") {
  const auto t = vizt::trace("six-steps");
  const Model m = build_model(t);
  int told = 0;
  each_fact_variant([&](tr::Fact f) {
    Ev e;
    e.kind = "fact";
    e.fact = tr::fact_name(f);
    e.data = f;
    e.actor = {"MTA", "mail.example.org"};
    e.msg = "m1";
    for (Lang lang : {Lang::En, Lang::Es}) {
      INFO(e.fact << " in " << (lang == Lang::Es ? "Spanish" : "English"));
      std::string s;
      REQUIRE_NOTHROW(s = tell_fact(m, e, lang));
      CHECK(s.size() > 10);
      CHECK(s.find('{') == std::string::npos);
      ++told;
    }
  });
  CHECK(told > 500);
}

TEST_CASE("both catalogues have the same keys", "[catalogue]") {
  for (const auto& key : required_phrase_keys()) {
    INFO(key);
    CHECK(has_phrase(Lang::En, key));
    CHECK(has_phrase(Lang::Es, key));
  }
}

TEST_CASE("times are told for people", "[catalogue]") {
  CHECK(people_time(5'004'515, Lang::Es) == "5,005 s");
  CHECK(people_time(60'005'000, Lang::Es) == "1 min 0,005 s");
  CHECK(people_time(3'600'000'000 + 35'017'000, Lang::En) == "1 h 0 min 35.017 s");
  CHECK(people_time(120'000'000, Lang::En) == "2 min");
  CHECK(list_words({"pc-alice", "pc-bob"}, Lang::Es) == "pc-alice y pc-bob");
  CHECK(list_words({"a", "b", "c"}, Lang::En) == "a, b and c");
}
