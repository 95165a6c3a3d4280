// Trace reader and renderers (`mailsim visualize`): any text, in either form (JSON document
// or JSON Lines), is refused with a TraceError (exit 2) or rendered, in every format; never
// a crash. A wrongly typed value that the check lets through surfaces as a json::exception,
// which the CLI also reports as an invalid trace (exit 2): allowed here, anything else is a
// finding.
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/trace_reader.hpp"
#include "visualize/visualize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto format = static_cast<mailsim::viz::Format>(data[0] % 5);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  try {
    const nlohmann::json trace = mailsim::viz::read_trace(in, "fuzz");
    mailsim::viz::Options o;
    o.format = format;
    o.lang = data[0] & 8 ? mailsim::viz::Lang::Es : mailsim::viz::Lang::En;
    if (data[0] & 16) o.message = "m1";
    mailsim::viz::render(trace, o);
  } catch (const mailsim::viz::TraceError&) {
  } catch (const nlohmann::json::exception&) {
  }
  return 0;
}
