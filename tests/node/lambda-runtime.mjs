// A minimal Lambda runtime loop for Node, as the nodejs managed runtime does it: polls
// AWS_LAMBDA_RUNTIME_API's /next, calls the module's `handler(event, context)`, posts the
// result to /response or the error to /error. Usage: node lambda-runtime.mjs HANDLER.mjs
// Exits when the Runtime API answers anything but 200 (the emulator is stopping).
import { pathToFileURL } from "node:url";
import path from "node:path";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
if (!api) {
  console.error("lambda-runtime: AWS_LAMBDA_RUNTIME_API is not set");
  process.exit(2);
}
const base = `http://${api}/2018-06-01/runtime`;
const { handler } = await import(pathToFileURL(path.resolve(process.argv[2])).href);

for (;;) {
  let next;
  try {
    next = await fetch(`${base}/invocation/next`);
  } catch (e) {
    // The emulator is gone (or the long-poll was cut): a sandbox without its API ends.
    process.exit(0);
  }
  if (next.status !== 200) process.exit(0);
  const id = next.headers.get("lambda-runtime-aws-request-id");
  const deadline = Number(next.headers.get("lambda-runtime-deadline-ms"));
  const event = await next.json();
  const context = {
    awsRequestId: id,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    invokedFunctionArn: next.headers.get("lambda-runtime-invoked-function-arn"),
    getRemainingTimeInMillis: () => deadline - Date.now(),
    callbackWaitsForEmptyEventLoop: true,
  };
  try {
    const result = await handler(event, context);
    await fetch(`${base}/invocation/${id}/response`, {
      method: "POST",
      body: JSON.stringify(result),
    });
  } catch (e) {
    await fetch(`${base}/invocation/${id}/error`, {
      method: "POST",
      headers: { "Lambda-Runtime-Function-Error-Type": e?.name ?? "Error" },
      body: JSON.stringify({ errorType: e?.name ?? "Error", errorMessage: String(e?.message ?? e) }),
    });
  }
}
