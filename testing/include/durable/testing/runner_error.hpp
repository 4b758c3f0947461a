// RunnerError: the harness could not drive an execution to a terminal status (it is stuck, or
// the wall-clock limit passed), or it was used wrongly (no execution started, bad options).
#pragma once

#include <stdexcept>
#include <string>

namespace durable::testing {

class RunnerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace durable::testing
