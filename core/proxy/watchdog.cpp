#include "core/proxy/watchdog.h"

namespace lblab {

void Watchdog::wait(const std::shared_ptr<Watchdog>& self, TimePoint at)
{
    self->pending = at;
    self->timer.expires_at(at); // cancels the earlier wait, whose handler then sees an error
    self->timer.async_wait([self](const boost::system::error_code& ec) {
        if (ec)
            return;
        self->pending = TimePoint::max();
        if (!self->target || self->deadline == TimePoint::max())
            return;
        if (std::chrono::steady_clock::now() < self->deadline) {
            wait(self, self->deadline);
            return;
        }
        self->fired = true;
        boost::system::error_code ignored;
        self->target->cancel(ignored);
    });
}

} // namespace lblab
