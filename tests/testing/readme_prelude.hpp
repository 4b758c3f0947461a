// What the README's C++ examples assume the reader has (their own types and helpers), so that the
// examples compile exactly as the README shows them. Declarations only: the examples are
// compiled, not linked (see readme_extract.cpp).
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <durable/testing.hpp>
#include <durable/testing/golden_history.hpp>

// The crash-point explorer example's payment provider and the handler that books charges on it.
struct Ledger {
  std::vector<std::string> charges;
};
durable::Handler make_charge_handler(std::shared_ptr<Ledger> ledger);
