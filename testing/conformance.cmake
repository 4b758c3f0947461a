# durable::conformance — reads conformance requirement YAMLs, matches histories, results and logs
# the way the official runner does, and drives handlers through DurableRunner.
find_package(yaml-cpp REQUIRED)

durable_cc_library(NAME conformance
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS
    src/conformance/yaml_json.cpp
    src/conformance/values.cpp
    src/conformance/bindings.cpp
    src/conformance/requirement.cpp
    src/conformance/history_matcher.cpp
    src/conformance/log_matcher.cpp
    src/conformance/callback_actions.cpp
  PUBLIC_DEPS durable::model
  PRIVATE_DEPS yaml-cpp)
