// `--set PATH=VALUE` (send, catalog, replay, fuzz): catalog::apply_sets with fuzzed set expressions
// on a JSON body and a form body. Never throws; a JSON result parses as JSON; with no set the body
// comes back byte-exact; applying one set to its own result changes nothing.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "hookctl/catalog/catalog.hpp"

namespace catalog = hookctl::catalog;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_view(data, size);
  // Up to three sets, one per line.
  std::vector<std::string> sets;
  size_t start = 0;
  while (start <= text.size() && sets.size() < 3) {
    const size_t nl = text.find('\n', start);
    sets.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  static const std::string json_body =
      R"({"id":"evt_1","data":{"object":{"amount":42,"items":[{"sku":"a"},{"sku":"b"}]}},"tags":["x"]})";
  static const std::string form_body = "token=abc&team_id=T1&text=hello+world";
  auto same = catalog::apply_sets(json_body, "application/json", {});
  FUZZ_CHECK(same.ok() && *same == json_body);
  auto json = catalog::apply_sets(json_body, "application/json", sets);
  if (json) {
    FUZZ_CHECK(nlohmann::json::accept(*json));
    // One set applied twice is the same as once (several may undo each other's paths).
    if (sets.size() == 1) {
      auto again = catalog::apply_sets(*json, "application/json", sets);
      FUZZ_CHECK(again.ok() && *again == *json);
    }
  }
  (void)catalog::apply_sets(form_body, "application/x-www-form-urlencoded", sets);
  (void)catalog::apply_sets(text, "application/json", {"a.0.b=1"});
  return 0;
}
