#pragma once
// Helpers for the catalog:: unit tests.

#include <cstdint>
#include <memory>
#include <string>

#include "hookctl/catalog/catalog.hpp"

namespace testing {

// The fixed "now" of the catalog tests: 2023-11-14T22:13:20Z.
inline constexpr int64_t k_catalog_now = 1700000000;

// A Fresh at `now` whose random bytes come from a small LCG seeded with `seed`: repeatable, and
// different for different seeds.
inline hookctl::catalog::Fresh fresh(unsigned seed, int64_t now = k_catalog_now) {
  auto state = std::make_shared<unsigned>(seed);
  return {now, [state](size_t n) {
            std::string s(n, '\0');
            for (auto& c : s) {
              *state = *state * 1103515245u + 12345u;
              c = static_cast<char>(*state >> 16);
            }
            return s;
          }};
}

} // namespace testing
