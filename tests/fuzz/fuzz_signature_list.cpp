// sign::parse_signature_list (Standard Webhooks `webhook-signature`) on arbitrary header text.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hookctl/sign/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header = fuzz::as_view(data, size);
  auto items = hookctl::sign::parse_signature_list(header);
  // Every item needs a comma of its own.
  FUZZ_CHECK(items.size() <= static_cast<size_t>(std::count(header.begin(), header.end(), ',')));
  for (const auto& item : items) {
    FUZZ_CHECK(fuzz::within(item.version, header) && fuzz::within(item.value, header));
    FUZZ_CHECK(item.version.find(' ') == std::string_view::npos && item.version.find(',') == std::string_view::npos);
    FUZZ_CHECK(item.value.find(' ') == std::string_view::npos);
    // The value follows its version and the comma directly.
    FUZZ_CHECK(item.value.data() == item.version.data() + item.version.size() + 1);
  }
  return 0;
}
