# durable::sdk — DurableContext, replay, checkpoint batching, suspension, serdes, retry strategies,
# logger (included by sdk/CMakeLists.txt).
set(_durable_sdk_srcs
  src/errors.cpp
  src/error_conversion.cpp
  src/log_core.cpp
  src/logger.cpp
  src/checkpoint_batcher.cpp
  src/execution_state.cpp
  src/operation_support.cpp
  src/durable_context.cpp
  src/invoke.cpp
  src/callback.cpp
  src/wait_for_callback.cpp
  src/wait_for_condition.cpp
  src/batch_result.cpp
  src/worker_pool.cpp
  src/thread_schedule.cpp
  src/batch.cpp
  src/invocation.cpp
  src/plugin.cpp
  src/plugin_dispatcher.cpp
  src/serdes.cpp)
# The utilities (ids, durations, retry strategies) are written alongside; take whichever exist.
foreach(_util operation_id duration retry_strategy)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/src/${_util}.cpp)
    list(APPEND _durable_sdk_srcs src/${_util}.cpp)
  endif()
endforeach()

durable_cc_library(NAME sdk
  INCLUDE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/include
  SRCS ${_durable_sdk_srcs}
  PUBLIC_DEPS durable::model Threads::Threads)
