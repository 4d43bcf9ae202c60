// The HAR reader on arbitrary bytes: read_har never crashes or throws, numbers entries 1, 2, ... in
// order, reports problems as one-line Errc::input errors, and every record it reads comes back equal
// through HarWriter and read_har (with sensitive headers kept, so nothing is redacted).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "hookctl/capture/har.hpp"

namespace {

// Reads `text`, checking the handler's indexes; returns the result and the records read.
hookctl::Result<void> read_all(const std::string& text, std::vector<hookctl::capture::Record>& records,
                               size_t& errors) {
  using namespace hookctl;
  std::istringstream in(text);
  size_t expected = 1;
  return capture::read_har(in, [&](Result<capture::Record> entry, size_t index) -> Result<bool> {
    FUZZ_CHECK(index == expected);
    ++expected;
    if (entry) {
      records.push_back(std::move(*entry));
    } else {
      FUZZ_CHECK(entry.error().code == Errc::input);
      FUZZ_CHECK(entry.error().message.find('\n') == std::string::npos);
      ++errors;
    }
    return true;
  });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hookctl;
  std::vector<capture::Record> records;
  size_t errors = 0;
  auto result = read_all(std::string(fuzz::as_view(data, size)), records, errors);
  if (!result) {
    FUZZ_CHECK(result.error().code == Errc::input);
    FUZZ_CHECK(result.error().message.find('\n') == std::string::npos);
  }

  std::ostringstream out;
  capture::HarWriteOptions options;
  options.include_sensitive = true;
  options.creator_version = "fuzz";
  capture::HarWriter writer(out, options);
  for (const auto& record : records) writer.add(record);
  FUZZ_CHECK(writer.finish().ok());

  std::vector<capture::Record> again;
  size_t again_errors = 0;
  auto second = read_all(out.str(), again, again_errors);
  FUZZ_CHECK(second.ok());
  FUZZ_CHECK(again_errors == 0);
  FUZZ_CHECK(again == records);
  return 0;
}
