#include "hookctl/http/version.hpp"

#include <httplib.h>

namespace hookctl::http {

std::string_view httplib_version() { return CPPHTTPLIB_VERSION; }

} // namespace hookctl::http
