#include "cli.hpp"

int main(int argc, char** argv) {
  auto ctx = hookctl::app::system_context();
  return hookctl::app::run_cli(std::vector<std::string>(argv + 1, argv + argc), ctx);
}
