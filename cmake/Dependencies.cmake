# Every dependency is a Debian 12 package; nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(PkgConfig REQUIRED)
# cpp-httplib through pkg-config so that CPPHTTPLIB_OPENSSL_SUPPORT and the zlib/brotli defines
# reach the files that include httplib.h: without them the class layout differs from Debian's
# prebuilt libcpp-httplib.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(HOOKCTL_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
