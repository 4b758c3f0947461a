# run-example.sh's own build on a fresh machine: configured with the CMake arguments that script
# passes, and with the packages it does not install (SETUP_PACKAGES=example) made unfindable.
# Fails unless that configures, with the example tool in it and the tools needing those packages
# left out.
#   cmake -DSOURCE_DIR=<repo> -DBINARY_DIR=<scratch dir> -P check_example_only_configure.cmake
file(STRINGS ${SOURCE_DIR}/tools/run-example.sh lines REGEX "CMAKE_ARGS=\"-D")
if(NOT lines MATCHES "CMAKE_ARGS=\"([^\"$]*)")
  message(FATAL_ERROR "tools/run-example.sh has no CMAKE_ARGS=\"-D...\" line to check")
endif()
separate_arguments(example_args UNIX_COMMAND "${CMAKE_MATCH_1}")
file(REMOVE_RECURSE ${BINARY_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -DCMAKE_BUILD_TYPE=Release
          ${example_args}
          -DPKG_CONFIG_EXECUTABLE=/nonexistent/pkg-config -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON
          -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the example-only configuration (${example_args}) failed:\n${out}\n${err}")
endif()
if(NOT EXISTS ${BINARY_DIR}/tools/example/Makefile AND NOT EXISTS ${BINARY_DIR}/tools/example/cmake_install.cmake)
  message(FATAL_ERROR "the example-only configuration has no tools/example")
endif()
foreach(other bench emulator conformance order-handler)
  if(EXISTS ${BINARY_DIR}/tools/${other})
    message(FATAL_ERROR "the example-only configuration also configured tools/${other}")
  endif()
endforeach()
if(EXISTS ${BINARY_DIR}/tests)
  message(FATAL_ERROR "the example-only configuration also configured the tests")
endif()
file(REMOVE_RECURSE ${BINARY_DIR})
message(STATUS "example-only configuration OK: ${example_args}")
