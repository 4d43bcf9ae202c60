#pragma once
// Renders a request as a runnable curl command line.

#include <string>
#include <string_view>

#include "hookctl/util/headers.hpp"

namespace hookctl::report {

// `text` quoted for a POSIX shell (single quotes, embedded quotes escaped).
std::string shell_quote(std::string_view text);

// A curl command that sends `body` byte-exact with `method` to `url` and `headers`; bodies that are
// not printable UTF-8 are piped in through printf with octal escapes; a GET or HEAD with an empty
// body gets no --data-binary.
std::string curl_command(std::string_view method, std::string_view url, const util::Headers& headers,
                         std::string_view body);

} // namespace hookctl::report
