#include "visualize/render.hpp"

#include "visualize/paper.hpp"
#include "visualize/trace.hpp"

namespace mailsim::viz {

const char* step_colour(int step) {
  // Each at least 5:1 against white and against the viewer's highlight (#fff9c4), so text in
  // these colours reads at WCAG AA on a projector; tests/browser checks the computed styles.
  static const char* const colours[] = {"#7b1fa2", "#1565c0", "#00707a", "#256b29", "#a84300", "#6d4c41"};
  return step >= 1 && step <= 6 ? colours[step - 1] : "#616161";
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "html") return Format::Html;
  if (name == "svg") return Format::Svg;
  if (name == "mermaid") return Format::Mermaid;
  if (name == "dot") return Format::Dot;
  if (name == "text") return Format::Text;
  if (name == "handout") return Format::Handout;
  if (name == "handout-md") return Format::HandoutMd;
  if (name == "worksheet") return Format::Worksheet;
  if (name == "worksheet-md") return Format::WorksheetMd;
  if (name == "answers") return Format::Answers;
  if (name == "answers-md") return Format::AnswersMd;
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
    case Format::Handout: return render_handout(m, opt, false);
    case Format::HandoutMd: return render_handout(m, opt, true);
    case Format::Worksheet: return render_worksheet(m, opt, false, true, true);
    case Format::WorksheetMd: return render_worksheet(m, opt, true, true, true);
    case Format::Answers: return render_worksheet(m, opt, false, false, true);
    case Format::AnswersMd: return render_worksheet(m, opt, true, false, true);
  }
  return {};
}

}  // namespace mailsim::viz
