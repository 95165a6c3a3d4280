// Terminal narration: golden files for a real six-steps run (six-steps.run.trace.json, written
// by `mailsim run scenarios/six-steps.json --trace`) in English and Spanish, and the pause
// between steps. MAILSIM_UPDATE_GOLDEN=1 rewrites the golden files.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include "helpers.hpp"
#include "visualize/narrate.hpp"

using namespace mailsim::viz;

namespace {

void golden(const std::string& trace_name, Lang lang, const std::string& file) {
  std::ostringstream out;
  REQUIRE(narrate(vizt::trace(trace_name), lang, out, nullptr) == 0);
  const auto path = vizt::fixture(file);
  if (std::getenv("MAILSIM_UPDATE_GOLDEN")) vizt::write(path, out.str());
  INFO("golden file " << path << " (MAILSIM_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(out.str() == vizt::read(path));
}

}  // namespace

TEST_CASE("six-steps narration matches the golden files", "[narrate]") {
  golden("six-steps.run", Lang::En, "six-steps.narration.en.txt");
  golden("six-steps.run", Lang::Es, "six-steps.narration.es.txt");
  golden("failures", Lang::Es, "failures.narration.es.txt");
}

TEST_CASE("the Spanish narration uses the classroom vocabulary", "[narrate]") {
  std::ostringstream out;
  narrate(vizt::trace("six-steps.run"), Lang::Es, out, nullptr);
  const std::string s = out.str();
  for (const char* word : {"Paso 3", "remitente", "destinatario", "buzón", "pregunta al DNS", "MX de example.com",
                           "copia local", "Resumen:"})
    CHECK(s.find(word) != std::string::npos);
}

TEST_CASE("with pause, narration waits for Enter between steps", "[narrate]") {
  std::istringstream in("\n\n\n\n\n\n\n");
  std::ostringstream out;
  narrate(vizt::trace("six-steps.run"), Lang::En, out, &in);
  CHECK(vizt::count(out.str(), "-- press Enter for the next step --") == 5);  // six steps, five pauses
  CHECK(in.get() == '\n');  // it read exactly five lines
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
