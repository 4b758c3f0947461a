# One way to make every target: warnings, the durable:: alias, include dirs, install/export.

# Designated initializers that leave members at their defaults are the intended way to write
# configs (StepConfig{.retry_strategy = ...}); g++ 12 would warn about each omitted member.
set(DURABLE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wno-missing-field-initializers)
# g++ 12 at -O2 reports -Wrestrict on ordinary std::string concatenation and assignment
# (GCC bug 105651, fixed in 13); it is noise there, so it stays on only for other compilers.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND DURABLE_WARNINGS -Wno-restrict)
endif()

# durable_cc_library(NAME <name> SRCS ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [INCLUDE_DIR dir]
#                    [COMPONENT component])
# Creates library durable_<name> with alias durable::<name>; public headers come from INCLUDE_DIR.
# It is installed in the package component COMPONENT (default: its name; durable::model is part of
# `sdk`), whose export set durable_<component>Targets find_package(durable COMPONENTS ...) loads.
function(durable_cc_library)
  cmake_parse_arguments(A "" "NAME;INCLUDE_DIR;COMPONENT" "SRCS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT A_COMPONENT)
    set(A_COMPONENT ${A_NAME})
    if(A_NAME STREQUAL "model")
      set(A_COMPONENT sdk)
    endif()
  endif()
  set_property(GLOBAL APPEND PROPERTY DURABLE_EXPORT_COMPONENTS ${A_COMPONENT})
  set(target durable_${A_NAME})
  add_library(${target} ${A_SRCS})
  add_library(durable::${A_NAME} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${A_NAME} OUTPUT_NAME durable_${A_NAME})
  target_compile_options(${target} PRIVATE ${DURABLE_WARNINGS})
  if(DURABLE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(A_INCLUDE_DIR)
    target_include_directories(${target} PUBLIC
      $<BUILD_INTERFACE:${A_INCLUDE_DIR}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    install(DIRECTORY ${A_INCLUDE_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${A_PUBLIC_DEPS} PRIVATE ${A_PRIVATE_DEPS})
  install(TARGETS ${target} EXPORT durable_${A_COMPONENT}Targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()

# durable_cc_test(NAME <name> SRCS ... [DEPS ...] [LABELS ...])
# A GoogleTest executable registered with ctest, one ctest entry per test case.
function(durable_cc_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_compile_options(${A_NAME} PRIVATE ${DURABLE_WARNINGS})
  if(DURABLE_WERROR)
    target_compile_options(${A_NAME} PRIVATE -Werror)
  endif()
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gmock GTest::gtest_main)
  set(labels unit)
  if(A_LABELS)
    set(labels ${A_LABELS})
  endif()
  gtest_discover_tests(${A_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120 PROPERTIES LABELS "${labels}" TIMEOUT 300)
endfunction()
