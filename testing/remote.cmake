# durable::remote — the test side of the Lambda API over HTTP (LambdaApiClient, SigV4-signed with
# durable::lambda's signer), for runners that drive a function deployed on Lambda or served by
# durable-emulator. Needs cpp-httplib; without it the remote runners are not built.
if(NOT TARGET durable_testing OR NOT TARGET durable_lambda OR NOT TARGET PkgConfig::HTTPLIB)
  message(STATUS "durable::remote skipped: durable::testing, durable::lambda or cpp-httplib missing")
  return()
endif()

durable_cc_library(NAME remote
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS
    src/lambda_api_client.cpp
    src/operations_from_history.cpp
    src/remote_runner.cpp
  PUBLIC_DEPS durable::testing durable::lambda
  PRIVATE_DEPS PkgConfig::HTTPLIB OpenSSL::SSL)
