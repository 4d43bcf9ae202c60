// hookctl fuzz's option parsers on arbitrary text: --expect FAMILY=STATUSES, --families and family names, with
// the properties each must keep.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/fuzz/run.hpp"
#include "hookctl/replay/select.hpp"

namespace fz = hookctl::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_view(data, size);
  if (auto f = fz::parse_family(text)) FUZZ_CHECK(fz::family_name(*f) == text);
  if (auto families = fz::parse_families(text)) {
    FUZZ_CHECK(!families->empty());
  } else {
    FUZZ_CHECK(families.error().message.find('\n') == std::string::npos);
  }
  auto o = fz::parse_override(text);
  if (o) {
    // A known family before '=', and at least one normalised status filter after it.
    FUZZ_CHECK(text.find('=') != std::string_view::npos);
    FUZZ_CHECK(!o->second.empty());
    for (const auto& s : o->second) FUZZ_CHECK(s.size() == 3);
  } else {
    FUZZ_CHECK(o.error().message.find('\n') == std::string::npos);
  }
  return 0;
}
