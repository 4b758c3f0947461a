// The TypeScript SDK's side of the steps benchmark over HTTP: a durable function written with the
// official SDK (production path, checkpoints to AWS_ENDPOINT_URL_LAMBDA) that runs `event.n`
// steps one after another and returns how many ran.
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  let total = 0;
  for (let i = 0; i < event.n; i++) {
    total += await context.step(`step-${i}`, async () => 1);
  }
  return { steps: total };
});
