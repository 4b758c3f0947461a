#include "http/client_connection.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>

namespace durable::emulator::http {
namespace {

int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return -1;
}

// Local and peer ports of `fd`; false when it is not a connected TCP/IP socket.
bool ports_of(int fd, int& local_port, int& peer_port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  local_port = port_of(addr);
  len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  peer_port = port_of(addr);
  return local_port > 0 && peer_port > 0;
}

// Calls `visit(fd)` for every open socket descriptor of the process until it returns true.
void for_each_socket(const std::function<bool(int)>& visit) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == own) continue;
    struct stat st{};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    if (visit(static_cast<int>(fd))) break;
  }
  ::closedir(dir);
}

}  // namespace

int find_connection_socket(const httplib::Request& req) {
  int found = -1;
  for_each_socket([&](int fd) {
    int local = 0;
    int peer = 0;
    if (ports_of(fd, local, peer) && local == req.local_port && peer == req.remote_port) {
      found = fd;
      return true;
    }
    return false;
  });
  return found;
}

bool peer_has_closed(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void shutdown_connections(int local_port) {
  for_each_socket([&](int fd) {
    int local = 0;
    int peer = 0;
    if (ports_of(fd, local, peer) && local == local_port) ::shutdown(fd, SHUT_RD);
    return false;
  });
}

}  // namespace durable::emulator::http
