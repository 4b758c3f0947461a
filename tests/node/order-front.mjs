// The Node half of the two-language test: a durable function written with the official
// TypeScript SDK (production path: checkpoints go to AWS_ENDPOINT_URL_LAMBDA). It records the
// customer in a step, then invokes the C++ order workflow (durable-order-handler, function
// "process-order") as a chained invoke and returns both.
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  const customer = await context.step("greet", async () => `hello ${event.customer}`);
  const order = await context.invoke("place-order", "process-order", event.order);
  return { customer, order };
});
