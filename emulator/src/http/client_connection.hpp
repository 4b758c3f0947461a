// The socket behind a request being handled, found from the addresses httplib records on the
// Request. httplib (0.11) does not hand a handler its socket, yet a handler that waits (a
// synchronous Invoke) must notice when its client has gone, and stop() must end idle
// keep-alive connections rather than wait out their timeout.
//
// Threads: any. The socket of a request stays open while its handler runs (httplib closes it only
// after the handler returns), so a descriptor found by the handler's own thread stays valid there.
#pragma once

#include <httplib.h>

namespace durable::emulator::http {

// The descriptor of the connection `req` arrived on (matched by its local and remote ports), or
// -1 when none is found.
int find_connection_socket(const httplib::Request& req);
// True once the peer of connected socket `fd` has closed (or shut down its sending side) or reset
// the connection. Never blocks. A client that half-closes after its request while still waiting
// for the answer looks gone too; HTTP clients do not do that.
bool peer_has_closed(int fd);
// Shuts down the receiving side of every accepted connection of this process whose local port
// is `local_port`, so threads idling in keep-alive waits see end-of-file at once while answers
// still being written go out.
void shutdown_connections(int local_port);

}  // namespace durable::emulator::http
