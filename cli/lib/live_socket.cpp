#include "cli/lib/live_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>

#include <chrono>
#include <stdexcept>

#include "cli/lib/scenario.hpp"

namespace mailsim::app::live_socket {

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
}

SockAddr loopback_addr(const std::string& address, std::uint16_t port) {
  if (!is_loopback_address(address)) throw std::runtime_error(address + " is not a loopback address");
  SockAddr a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len = sizeof(sockaddr_in);
    a.family = AF_INET;
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
  inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  a.len = sizeof(sockaddr_in6);
  a.family = AF_INET6;
  return a;
}

std::string address_text(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
  else
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
  return buf;
}

}  // namespace mailsim::app::live_socket
