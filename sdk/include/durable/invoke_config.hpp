// InvokeConfig: options of DurableContext::invoke (SDK-SEMANTICS.md §4, DESIGN.md §4).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "durable/duration.hpp"
#include "durable/serdes.hpp"

namespace durable {

// P: the payload type sent to the invoked function; R: the type its result is read as.
template <class P, class R>
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
