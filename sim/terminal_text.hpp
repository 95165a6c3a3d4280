#pragma once
// The one rule for text written to a terminal or a text file (summaries, narration, the
// text export, serve's and validate's messages): whatever a scenario, a trace or a real
// client put in it, it is shown, never obeyed.
#include <string>
#include <string_view>

namespace mailsim::text {

// C0 controls and DEL (ESC, BEL, CR, …) become \x1b; C1 controls (U+0080–U+009F, an
// 8-bit CSI) and the bidirectional overrides that reorder what a reader sees (U+202A–
// U+202E, U+2066–U+2069) become \u009b, \u202e; bytes that are not UTF-8 become \xNN.
// Printable UTF-8 passes through unchanged.
std::string terminal_safe(std::string_view text);
// The same for a message of several lines: each "\n" stays a line break.
std::string terminal_safe_lines(std::string_view text);

}  // namespace mailsim::text
