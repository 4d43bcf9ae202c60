#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_harness.hpp"
#include "docgen.hpp"

#ifndef HOOKCTL_SOURCE_DIR
#error "HOOKCTL_SOURCE_DIR must name the source tree"
#endif

namespace {

hookctl::app::Context quiet_context() {
  hookctl::app::Context ctx;
  ctx.now = [] { return testing::k_now; };
  ctx.random = [](size_t n) { return std::string(n, 'x'); };
  return ctx;
}

} // namespace

TEST_CASE("docgen: committed completions/ and man/ match the CLI model") {
  auto ctx = quiet_context();
  hookctl::app::Cli cli(ctx);
  const std::filesystem::path src = HOOKCTL_SOURCE_DIR;
  auto check = [&](const std::filesystem::path& file, const std::string& generated) {
    CAPTURE(file.string());
    INFO("stale generated docs: run the update-docs target (cmake --build build -t update-docs)");
    REQUIRE(std::filesystem::exists(file));
    CHECK(testing::slurp(file) == generated);
  };
  for (const auto& [name, content] : hookctl::app::docgen::completion_files(cli.app()))
    check(src / "completions" / name, content);
  auto pages = hookctl::app::docgen::man_pages(cli.app());
  CHECK(pages.size() == 1 + cli.app().get_subcommands({}).size());
  for (const auto& [name, content] : pages) check(src / "man" / name, content);
}

TEST_CASE("docgen: every option of every command is in its completion and man page") {
  auto ctx = quiet_context();
  hookctl::app::Cli cli(ctx);
  auto bash = *hookctl::app::docgen::completion(cli.app(), "bash");
  auto fish = *hookctl::app::docgen::completion(cli.app(), "fish");
  for (const auto* sub : cli.app().get_subcommands({})) {
    CAPTURE(sub->get_name());
    auto page = *hookctl::app::docgen::man_page(cli.app(), sub->get_name());
    CHECK(page.find(".SH EXAMPLES") != std::string::npos);
    CHECK(page.find(".SH EXIT STATUS") != std::string::npos);
    for (const auto* opt : sub->get_options()) {
      for (const auto& l : opt->get_lnames()) {
        CAPTURE(l);
        CHECK(bash.find("--" + l) != std::string::npos);
        CHECK(fish.find("-l " + l) != std::string::npos);
        std::string roff_name;
        for (char c : l) roff_name += c == '-' ? std::string("\\-") : std::string(1, c);
        CHECK(page.find("\\-\\-" + roff_name) != std::string::npos);
      }
      if (!opt->get_envname().empty()) CHECK(page.find(opt->get_envname()) != std::string::npos);
    }
  }
  CHECK(testing::run({"completion", "tcsh"}).code == 2);
  CHECK(testing::run({"man", "nosuch"}).code == 2);
  CHECK(testing::run({"completion", "bash"}).out == bash);
}
