#pragma once
// Words shown to students, in English and Spanish (Spanish follows the seed document's
// vocabulary: remitente, destinatario, buzón, agente de transferencia de correo).
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

inline const char* pick(Lang lang, const char* en, const char* es) { return lang == Lang::Es ? es : en; }

// "Compose" / "Redacción" for steps 1-6; "?" outside.
std::string step_name(int step, Lang);
// "Step" / "Paso".
const char* step_word(Lang);
// Every string of the viewer's interface: {"en": {key: text}, "es": {key: text}}.
const nlohmann::json& ui_strings();

}  // namespace mailsim::viz
