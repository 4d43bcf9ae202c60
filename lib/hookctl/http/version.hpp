#pragma once
// Facts about the HTTP library hookctl is built with.

#include <string_view>

namespace hookctl::http {

// The User-Agent of hookctl's requests when the request carries none.
inline constexpr std::string_view k_user_agent = "hookctl/0.1";

// The cpp-httplib version hookctl was compiled against ("0.11.4").
std::string_view httplib_version();

} // namespace hookctl::http
