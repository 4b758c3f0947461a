# durable::lambda — the production path of the SDK: SigV4 signing, credentials from the
# environment, the HTTP CheckpointClient (and the Lambda Runtime API loop). Linked only by
# handler binaries that run on Lambda (or against the HTTP emulator), never by the harness.
# Debian's cpp-httplib is a compiled library with OpenSSL support; it is linked through
# pkg-config so its feature macros (and so its ABI) match.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND AND NOT TARGET PkgConfig::HTTPLIB)
  pkg_check_modules(HTTPLIB IMPORTED_TARGET GLOBAL cpp-httplib)
endif()

set(DURABLE_LAMBDA_SRCS
  src/lambda/aws_credentials.cpp
  src/lambda/sigv4_signer.cpp
  src/lambda/endpoint.cpp)
set(DURABLE_LAMBDA_PUBLIC_DEPS durable::model)
set(DURABLE_LAMBDA_PRIVATE_DEPS OpenSSL::Crypto)

# The HTTP client needs cpp-httplib; without it durable::lambda offers only the signer.
if(TARGET PkgConfig::HTTPLIB)
  list(APPEND DURABLE_LAMBDA_SRCS src/lambda/http_checkpoint_client.cpp src/lambda/signed_request.cpp)
  list(APPEND DURABLE_LAMBDA_PRIVATE_DEPS PkgConfig::HTTPLIB OpenSSL::SSL)
endif()

durable_cc_library(NAME lambda
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS ${DURABLE_LAMBDA_SRCS}
  PUBLIC_DEPS ${DURABLE_LAMBDA_PUBLIC_DEPS}
  PRIVATE_DEPS ${DURABLE_LAMBDA_PRIVATE_DEPS})

# The Lambda Runtime API loop (durable/lambda/runtime.hpp): run_invocation from durable::sdk over
# the Runtime API, which it reaches through cpp-httplib.
if(TARGET durable_lambda AND TARGET durable_sdk AND TARGET PkgConfig::HTTPLIB)
  target_sources(durable_lambda PRIVATE
    src/lambda/runtime_api_client.cpp
    src/lambda/runtime_default_client.cpp
    src/lambda/runtime.cpp)
  target_link_libraries(durable_lambda PUBLIC durable::sdk PRIVATE PkgConfig::HTTPLIB)
endif()
