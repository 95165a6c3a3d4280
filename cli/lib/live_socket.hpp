#pragma once
// The few POSIX socket helpers of live mode (cli/lib/live.cpp): wall time, non-blocking
// descriptors, loopback addresses.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace mailsim::app::live_socket {

std::int64_t wall_us();  // a monotonic clock, in microseconds
void set_nonblocking(int fd);  // and close-on-exec

// A loopback socket address; throws unless the address is loopback.
struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
};
SockAddr loopback_addr(const std::string& address, std::uint16_t port);

std::string address_text(const sockaddr_storage& ss);  // the peer's address as text

}  // namespace mailsim::app::live_socket
