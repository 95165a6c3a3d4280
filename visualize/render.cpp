#include "visualize/render.hpp"

#include "visualize/trace.hpp"

namespace mailsim::viz {

const char* step_colour(int step) {
  static const char* const colours[] = {"#7b1fa2", "#1565c0", "#00838f", "#2e7d32", "#ef6c00", "#6d4c41"};
  return step >= 1 && step <= 6 ? colours[step - 1] : "#616161";
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "html") return Format::Html;
  if (name == "svg") return Format::Svg;
  if (name == "mermaid") return Format::Mermaid;
  if (name == "dot") return Format::Dot;
  if (name == "text") return Format::Text;
  return std::nullopt;
}

std::optional<Lang> parse_lang(std::string_view name) {
  if (name == "en") return Lang::En;
  if (name == "es") return Lang::Es;
  return std::nullopt;
}

std::string render(const nlohmann::json& trace, const Options& opt) {
  validate(trace);
  const nlohmann::json filtered = opt.message ? filter_message(trace, *opt.message) : nlohmann::json();
  const Model m = build_model(opt.message ? filtered : trace);
  switch (opt.format) {
    case Format::Html: return render_html(m, opt);
    case Format::Svg: return render_svg(m, opt);
    case Format::Mermaid: return render_mermaid(m, opt);
    case Format::Dot: return render_dot(m, opt);
    case Format::Text: return render_text(m, opt);
  }
  return {};
}

}  // namespace mailsim::viz
