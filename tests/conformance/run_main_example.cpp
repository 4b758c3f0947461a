// A project's own conformance tool: its handlers, keyed by requirement id, and one line of main.
#include "durable/durable.hpp"
#include "durable/testing/conformance/run_main.hpp"

// Requirement 1-1: a single step that greets the input.
durable::Json greet(const durable::Json& event, durable::DurableContext& ctx) {
  return ctx.step([&](durable::StepContext&) {
    return "Hello, " + event.get<std::string>() + "!";
  });
}

int main(int argc, char** argv) {
  durable::testing::conformance::HandlerRegistry handlers;
  handlers.register_handler("1-1", greet);
  return durable::testing::conformance::run_main(argc, argv, handlers);
}
