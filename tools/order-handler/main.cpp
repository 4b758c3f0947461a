// durable-order-handler: the example order workflow as a Lambda custom runtime. Started by Lambda
// (or by the emulator's tests) with AWS_LAMBDA_RUNTIME_API and AWS_ENDPOINT_URL_LAMBDA set, it
// serves durable invocations of the workflow until the Runtime API goes away.
#include "durable/lambda/runtime.hpp"
#include "order_workflow.hpp"

int main() { return durable::lambda::run(durable::example::process_order); }
