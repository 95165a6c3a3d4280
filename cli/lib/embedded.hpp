#pragma once
// Data files built into the binary (see cmake/embed_files.cmake).
#include <string_view>
#include <vector>

namespace mailsim::app {

struct EmbeddedFile {
  std::string_view name;  // file name, e.g. "two-domains.json"
  std::string_view data;
};

std::vector<EmbeddedFile> embedded_schemas();    // scenarios/scenario.schema.json
std::vector<EmbeddedFile> embedded_templates();  // scenarios/templates/*.json

}  // namespace mailsim::app
