#include "context.hpp"

#include <chrono>
#include <cstdlib>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "hookctl/crypto/crypto.hpp"

namespace hookctl::app {

Context system_context() {
  Context ctx;
  ctx.now = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  ctx.random = [](size_t n) { return crypto::random_bytes(n); };
  ctx.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  ctx.env_names = [] {
    std::vector<std::string> names;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      const std::string_view entry(*e);
      names.emplace_back(entry.substr(0, entry.find('=')));
    }
    return names;
  };
  ctx.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  ctx.transport = [](const http::ClientOptions& options) { return http::make_client(options); };
  ctx.multiplexer = [](const http::ClientOptions& options, size_t slots) {
    return http::make_multiplexer(options, slots);
  };
  ctx.stdout_tty = isatty(STDOUT_FILENO) == 1;
  struct stat st {};
  ctx.stdout_live = ctx.stdout_tty || fstat(STDOUT_FILENO, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
  ctx.stderr_tty = isatty(STDERR_FILENO) == 1;
  return ctx;
}

} // namespace hookctl::app
