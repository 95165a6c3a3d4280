// `mailsim new`: scenarios to start from, built into the binary (scenarios/templates/).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/lib/commands.hpp"
#include "cli/lib/embedded.hpp"

namespace mailsim::app {

namespace {

std::string template_name(std::string_view file) {
  std::string n(file);
  return n.size() > 5 && n.substr(n.size() - 5) == ".json" ? n.substr(0, n.size() - 5) : n;
}

bool write_file(const std::filesystem::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  return out && (out << data) && out.flush();
}

}  // namespace

int new_command(const NewArgs& args) {
  const auto templates = embedded_templates();
  if (args.list || args.template_name.empty()) {
    std::cout << "Templates (mailsim new TEMPLATE FILE):\n";
    for (const auto& t : templates) {
      const auto j = nlohmann::json::parse(t.data);
      std::string en = j.contains("description") ? j["description"].value("en", "") : "";
      if (en.size() > 150) en = en.substr(0, en.rfind(' ', 150)) + " …";
      std::cout << "  " << template_name(t.name) << "\n      " << en << "\n";
    }
    return args.list ? kExitOk : kExitInvalidInput;
  }
  const EmbeddedFile* chosen = nullptr;
  std::string names;
  for (const auto& t : templates) {
    if (template_name(t.name) == args.template_name) chosen = &t;
    names += (names.empty() ? "" : ", ") + template_name(t.name);
  }
  if (!chosen) {
    std::cerr << "mailsim: new: unknown template '" << args.template_name << "' (" << names << ")\n";
    return kExitInvalidInput;
  }
  if (args.file.empty()) {
    std::cerr << "mailsim: new: name the scenario file to write, e.g. mailsim new " << args.template_name
              << " my-scenario.json\n";
    return kExitInvalidInput;
  }
  const std::filesystem::path file(args.file);
  std::error_code ec;
  if (std::filesystem::exists(file, ec) && !args.force) {
    std::cerr << "mailsim: new: " << args.file << " exists; choose another name or add --force\n";
    return kExitInvalidInput;
  }
  // The schema beside the scenario, so that an editor completes keys and explains them
  // ("$schema": "./scenario.schema.json" in every template). Never overwrite one the user changed.
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const std::filesystem::path schema = folder / "scenario.schema.json";
  const std::string_view schema_text = embedded_schemas().front().data;
  bool schema_written = false;
  if (!std::filesystem::exists(schema, ec)) {
    if (!write_file(schema, schema_text)) {
      std::cerr << "mailsim: new: cannot write " << schema.string() << "\n";
      return kExitInvalidInput;
    }
    schema_written = true;
  }
  if (!write_file(file, chosen->data)) {
    std::cerr << "mailsim: new: cannot write " << args.file << "\n";
    return kExitInvalidInput;
  }
  std::cout << "wrote " << args.file << " (template " << args.template_name << ")";
  if (schema_written) std::cout << " and " << schema.string() << " (for editors)";
  std::cout << "\nnext: mailsim validate " << args.file << " && mailsim run " << args.file << "\n";
  return kExitOk;
}

}  // namespace mailsim::app
