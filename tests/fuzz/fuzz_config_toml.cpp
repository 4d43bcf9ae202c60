// util::toml::parse (the config file reader) on arbitrary text: never crashes, errors are one line
// naming the file and a line, and a parsed document written back as dotted keys parses to the same
// entries.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/util/toml.hpp"

namespace toml = hookctl::util::toml;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_view(data, size);
  auto doc = toml::parse(text, "c.toml");
  if (!doc) {
    const std::string& m = doc.error().message;
    FUZZ_CHECK(m.starts_with("c.toml:"));
    FUZZ_CHECK(m.find('\n') == std::string::npos);
    return 0;
  }
  size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  std::string again;
  for (const auto& e : doc->entries) {
    FUZZ_CHECK(e.line >= 1 && e.line <= lines);
    std::vector<std::string> full = e.table;
    full.push_back(e.key);
    again += toml::dotted(full) + " = " + toml::to_toml(e.value) + "\n";
  }
  auto back = toml::parse(again, "again.toml");
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->entries.size() == doc->entries.size());
  for (size_t i = 0; i < doc->entries.size(); ++i) {
    FUZZ_CHECK(back->entries[i].table == doc->entries[i].table);
    FUZZ_CHECK(back->entries[i].key == doc->entries[i].key);
    FUZZ_CHECK(back->entries[i].value == doc->entries[i].value);
    FUZZ_CHECK(back->entries[i].line == i + 1);
  }
  return 0;
}
