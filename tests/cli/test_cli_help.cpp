// Golden tests of `--help`: the text of every command's help is committed under
// tests/cli/golden/help/ and must match what the CLI model prints.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli_harness.hpp"

#ifndef HOOKCTL_SOURCE_DIR
#error "HOOKCTL_SOURCE_DIR must name the source tree"
#endif

TEST_CASE("cli help: every command's --help matches its golden file") {
  const std::filesystem::path dir = std::filesystem::path(HOOKCTL_SOURCE_DIR) / "tests/cli/golden/help";
  std::ostringstream o, e;
  std::istringstream i;
  auto ctx = testing::test_context(o, e, i);
  hookctl::app::Cli cli(ctx);
  std::set<std::string> expected = {"hookctl.txt"};
  for (const auto* cmd : cli.app().get_subcommands([](const CLI::App*) { return true; }))
    expected.insert(cmd->get_name() + ".txt");
  std::set<std::string> committed;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) committed.insert(entry.path().filename());
  INFO("a command without a golden file: add it to HOOKCTL_COMMANDS in apps/hookctl/CMakeLists.txt and run the "
       "update-docs target (cmake --build build -t update-docs)");
  CHECK(committed == expected);
  for (const auto& file : expected) {
    CAPTURE(file);
    const std::string name = file.substr(0, file.size() - 4);
    auto r = name == "hookctl" ? testing::run({"--help"}) : testing::run({name, "--help"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    INFO("stale golden --help: if the change is intended, run the update-docs target");
    CHECK(r.out == testing::slurp(dir / file));
  }
}

TEST_CASE("cli help: --help works before and after the command, and -h too") {
  auto a = testing::run({"sign", "--help"});
  auto b = testing::run({"--help", "sign"});
  auto c = testing::run({"sign", "-h"});
  CHECK(a.code == 0);
  CHECK(a.out.starts_with("Print the headers"));
  CHECK(c.out == a.out);
  CHECK(b.code == 0);
  CHECK(!b.out.empty());
}
