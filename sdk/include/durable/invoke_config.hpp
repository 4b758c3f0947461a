// InvokeConfig: options of DurableContext::invoke.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "durable/duration.hpp"
#include "durable/serdes.hpp"

namespace durable {

// P: the payload type sent to the invoked function; R: the type its result is read as. Both default
// to Json, so a config that sets only fields independent of the payload type needs no type:
//   durable::InvokeConfig config{.timeout = durable::Duration::from_minutes(5)};
// Such a config (any InvokeConfig<P, R> whose P or R differ from the call's) is accepted by every
// invoke whose payload converts to P: the payload is converted to P and encoded with
// serdes_payload; serdes_result is used only when R is the call's result type (a serdes_result
// for another type is a ValidationError, before anything is checkpointed).
template <class P = Json, class R = Json>
struct InvokeConfig {
  // Longest time to wait for the invoked function; empty: wait as long as it takes. At least one
  // second, sent as whole seconds. Implemented with a companion durable WAIT (see
  // DurableContext::invoke): when it elapses first, the invoke is cancelled and InvokeError
  // (error_type() kInvokeTimeoutErrorType, message "... timed out after N seconds") is thrown.
  std::optional<Duration> timeout{};
  // Encodes the payload into the START's Payload. Empty: JsonSerDes<P>.
  std::shared_ptr<SerDes<P>> serdes_payload{};
  // Decodes the invoked function's Result. Empty: JsonSerDes<R>, with an absent or empty Result
  // read as R{} (JSON null for Json).
  std::shared_ptr<SerDes<R>> serdes_result{};
  // Tenant the invocation is scoped to (ChainedInvokeOptions.TenantId): 1..256 characters of
  // [a-zA-Z0-9._:/=+-@ ] and space. Empty: none.
  std::optional<std::string> tenant_id{};
};

}  // namespace durable
