// A scripted webhook receiver for the e2e scenarios: records every request as one JSON line and
// answers as told. It stops on SIGTERM/SIGINT or after --lifetime seconds, whichever is first, so
// a failed scenario never leaves it running.
//
//   hookctl_test_sink --port-file F --log F [--status N] [--fail-first K [--fail-status N]]
//                     [--retry-after V] [--hang-ms N] [--lifetime S]
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "hookctl/http/server.hpp"
#include "hookctl/util/encoding.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

struct Script {
  std::string port_file;
  std::string log;
  int status = 200;
  int fail_first = 0;
  int fail_status = 500;
  std::string retry_after;
  int hang_ms = 0;
  int lifetime_s = 60;
};

bool parse(int argc, char** argv, Script& s) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    std::string value = argv[i + 1];
    if (name == "--port-file")
      s.port_file = value;
    else if (name == "--log")
      s.log = value;
    else if (name == "--status")
      s.status = std::atoi(value.c_str());
    else if (name == "--fail-first")
      s.fail_first = std::atoi(value.c_str());
    else if (name == "--fail-status")
      s.fail_status = std::atoi(value.c_str());
    else if (name == "--retry-after")
      s.retry_after = value;
    else if (name == "--hang-ms")
      s.hang_ms = std::atoi(value.c_str());
    else if (name == "--lifetime")
      s.lifetime_s = std::atoi(value.c_str());
    else
      return false;
  }
  return argc % 2 == 1 && !s.port_file.empty() && !s.log.empty();
}

} // namespace

int main(int argc, char** argv) {
  Script script;
  if (!parse(argc, argv, script)) {
    std::cerr << "usage: hookctl_test_sink --port-file F --log F [--status N] [--fail-first K] [--fail-status N] "
                 "[--retry-after V] [--hang-ms N] [--lifetime S]\n";
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::mutex mu;
  std::ofstream log(script.log, std::ios::app);
  int seen = 0;
  auto server = hookctl::http::Server::start({}, [&](const hookctl::http::ServerRequest& req) {
    int n = 0;
    {
      std::lock_guard lock(mu);
      n = ++seen;
      nlohmann::ordered_json headers = nlohmann::ordered_json::array();
      for (const auto& [name, value] : req.headers.fields()) headers.push_back({name, value});
      nlohmann::ordered_json line{{"n", n},
                                  {"method", req.method},
                                  {"target", req.target},
                                  {"headers", headers},
                                  {"body_base64", hookctl::util::base64_encode(req.body)}};
      log << line.dump() << "\n" << std::flush;
    }
    for (int waited = 0; waited < script.hang_ms && !g_stop; waited += 10)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    hookctl::http::Response res;
    res.status = n <= script.fail_first ? script.fail_status : script.status;
    if (!script.retry_after.empty() && n <= script.fail_first) res.headers.add("Retry-After", script.retry_after);
    res.headers.add("Content-Type", "application/json");
    res.body = "{\"received\":" + std::to_string(n) + "}";
    return res;
  });
  if (!server) {
    std::cerr << "hookctl_test_sink: " << server.error().message << "\n";
    return 3;
  }
  {
    std::string tmp = script.port_file + ".tmp";
    std::ofstream(tmp) << (*server)->port() << "\n";
    std::rename(tmp.c_str(), script.port_file.c_str()); // appears whole, never half-written
  }
  for (int i = 0; i < script.lifetime_s * 100 && !g_stop; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  (*server)->stop();
  return 0;
}
