#include "core/proxy/batched_write.h"

#include <boost/asio/error.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace lblab {

bool sendNow(int fd, std::string_view head, std::string_view body, boost::system::error_code& ec, std::size_t& n)
{
    iovec parts[2] = {{const_cast<char*>(head.data()), head.size()}, {const_cast<char*>(body.data()), body.size()}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = body.empty() ? 1 : 2;
    const std::size_t total = head.size() + body.size();
    ec = {};
    n = 0;
    for (;;) {
        const ssize_t got = ::sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (got >= 0) {
            n = static_cast<std::size_t>(got);
            return n == total;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return false;
        ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
        return true;
    }
}

} // namespace lblab
