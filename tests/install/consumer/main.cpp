// Runs a durable handler (a step, a wait, a map) end to end with the installed DurableRunner.
#include <cstdio>
#include <vector>

#include "durable/durable.hpp"
#include "durable/testing.hpp"

int main() {
  durable::testing::DurableRunner runner([](const durable::Json& input,
                                            durable::DurableContext& ctx) {
    const int base = ctx.step([&](durable::StepContext&) { return input["n"].get<int>(); }, "base");
    ctx.wait(durable::Duration::from_minutes(5), "pause");
    auto parts = ctx.map(
        std::vector<int>{1, 2},
        [](durable::DurableContext& item, const int& v, std::size_t, const std::vector<int>&) {
          return item.step([v](durable::StepContext&) { return v; });
        },
        "parts");
    int total = base;
    for (int v : parts.get_results()) total += v;
    return durable::Json(total);
  });
  const auto result = runner.run(durable::Json{{"n", 39}});
  std::printf("consumer: %s %s\n", std::string(durable::to_string(result.execution_status())).c_str(),
              result.result().dump().c_str());
  return result.execution_status() == durable::ExecutionStatus::Succeeded ? 0 : 1;
}
