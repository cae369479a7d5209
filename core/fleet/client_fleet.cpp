#include "core/fleet/client_fleet.h"

#include "core/base/clock.h"
#include "core/fleet/arrival_generator.h"
#include "core/fleet/fleet_plan.h"
#include "core/fleet/fleet_shared.h"
#include "core/fleet/virtual_user.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <random>

namespace lblab {

namespace asio = boost::asio;

namespace {
// Separate streams from the one seed, so that e.g. IP-change times do not shift arrivals.
constexpr std::uint64_t kMobilityStream = 0x4D4F42494C000001ull;
constexpr std::uint64_t kCommandStream = 0x434F4D4D44000001ull;
// A gap longer than this is as good as never and would overflow the clock.
constexpr double kMaxGapSeconds = 3600.0;
// After a stall (a paused debugger, a busy thread) arrivals resume instead of bursting the backlog.
constexpr auto kMaxLag = std::chrono::seconds(1);
// Arrivals this close together are sent on one timer wake-up; a backlog goes out in bounded batches.
constexpr auto kArrivalBatch = std::chrono::microseconds(500);
constexpr int kMaxArrivalsPerWakeUp = 1024;

Clock::duration toDuration(double seconds)
{
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::clamp(seconds, 0.0, kMaxGapSeconds)));
}
} // namespace

class ClientFleet::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(asio::io_context& io, Options options)
        : m_io(io)
        , m_options(std::move(options))
        , m_plan(planFleet(m_options.groups, m_options.regions, m_options.seed))
        , m_shared(std::make_shared<FleetShared>())
        , m_generator(weights(m_plan), m_options.requestRate, m_options.seed)
        , m_arrivalTimer(io)
        , m_commandRng(m_options.seed ^ kCommandStream)
    {
        m_rate = std::max(0.0, m_options.requestRate);
        m_shared->balancer = m_options.balancer;
        m_shared->host = m_options.balancer.address().to_string() + ':' + std::to_string(m_options.balancer.port());
        m_shared->timeout = std::chrono::milliseconds(
            static_cast<std::int64_t>(std::clamp(m_options.requestTimeoutSeconds, 0.001, 3600.0) * 1000));
        m_shared->maxQueued = std::max(1, m_options.maxQueuedPerUser);

        // Sized once: grown by doubling, these per-user vectors would hold up to twice their users.
        m_plan.users.shrink_to_fit();
        m_plan.slots.shrink_to_fit();
        m_roster.reserve(m_plan.users.size());
        m_users.reserve(m_plan.users.size());
        m_slotIps.reserve(m_plan.slots.size());
        for (const UserPlan& plan : m_plan.users) {
            const ClientGroupSpec& group = m_options.groups[plan.group];
            const Ipv4 ip = m_plan.slots[plan.slot].ip;
            m_roster.push_back({plan.id, group.name, ip});
            m_users.push_back(std::make_shared<VirtualUser>(
                io.get_executor(), m_shared, UserScript(plan.id, group.behaviour, group.carrier, plan.region), ip));
        }
        for (std::size_t s = 0; s < m_plan.slots.size(); ++s) {
            m_slotIps.push_back(m_plan.slots[s].ip);
            if (m_plan.slots[s].ipChangeMeanSeconds > 0) {
                m_mobility.push_back({s, std::make_unique<asio::steady_timer>(io),
                                      std::mt19937_64(m_options.seed ^ kMobilityStream ^ (s * 0x9E3779B97F4A7C15ull))});
            }
        }
    }

    const std::vector<ClientIdentity>& roster() const { return m_roster; }
    asio::io_context::executor_type executor() { return m_io.get_executor(); }

    void post(void (Impl::*fn)())
    {
        asio::post(m_io, [self = shared_from_this(), fn] { (self.get()->*fn)(); });
    }

    void requestStop()
    {
        // Set at once so no callback reaches the caller after stop() returned, even before the post runs.
        m_stopping.store(true);
        post(&Impl::doStop);
    }

    void start()
    {
        if (m_shared->stopped || m_started)
            return;
        m_started = true;
        m_base = Clock::now();
        if (!held())
            drawAndArm();
        publishRate();
        for (std::size_t i = 0; i < m_mobility.size(); ++i)
            armMobility(i);
    }

    void setPaused(bool paused)
    {
        if (m_shared->stopped || paused == m_paused)
            return;
        const bool wasHeld = held();
        m_paused = paused;
        applyHold(wasHeld);
    }

    void setStepping(bool on)
    {
        if (m_shared->stopped || on == m_stepping)
            return;
        const bool wasHeld = held();
        m_stepping = on;
        applyHold(wasHeld);
    }

    void step()
    {
        if (m_shared->stopped || !m_stepping || !m_started)
            return;
        const long user = m_generator.pickUser();
        if (user < 0)
            return;
        if (!m_users[static_cast<std::size_t>(user)]->enqueue()) {
            m_shared->counters.droppedArrivals.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m_shared->counters.steps.fetch_add(1, std::memory_order_relaxed);
        if (m_options.onStep && !m_stopping.load())
            m_options.onStep(m_plan.users[static_cast<std::size_t>(user)].id);
    }

    void setSpeed(double factor)
    {
        if (m_shared->stopped)
            return;
        m_speed = std::clamp(factor, 0.01, 1.0);
        applyRate();
    }

    void setRate(double perSecond)
    {
        if (m_shared->stopped)
            return;
        m_rate = std::max(0.0, perSecond);
        applyRate();
    }

    /// Held: no arrivals come on their own (paused, or in step mode).
    bool held() const { return m_paused || m_stepping; }

    void applyHold(bool wasHeld)
    {
        publishRate();
        if (!m_started || held() == wasHeld)
            return;
        if (held()) {
            disarm();
            if (m_hasPending)
                m_pausedRemaining = std::max(Clock::duration::zero(), m_nextArrival - Clock::now());
        } else if (m_hasPending) {
            m_nextArrival = Clock::now() + m_pausedRemaining;
            arm();
        } else {
            m_base = Clock::now();
            drawAndArm();
        }
    }

    void publishRate()
    {
        m_shared->counters.arrivalRate.store(held() ? 0.0 : m_generator.rate(), std::memory_order_relaxed);
    }

    /// The generator's rate is the configured rate times the speed.
    void applyRate()
    {
        const double old = m_generator.rate();
        m_generator.setRate(m_rate * m_speed);
        publishRate();
        if (!m_started)
            return;
        if (!m_generator.active()) {
            disarm();
            m_hasPending = false;
            return;
        }
        const auto now = Clock::now();
        if (m_hasPending && old > 0) {
            // Exponential gaps are memoryless: the remaining wait scales with the rate ratio.
            const auto remaining = held() ? m_pausedRemaining : std::max(Clock::duration::zero(), m_nextArrival - now);
            const auto scaled = toDuration(std::chrono::duration<double>(remaining).count() * old / m_generator.rate());
            if (held()) {
                m_pausedRemaining = scaled;
            } else {
                m_nextArrival = now + scaled;
                arm();
            }
        } else if (!held()) {
            m_base = now;
            drawAndArm();
        }
    }

    void changeIps(double fraction)
    {
        if (m_shared->stopped || m_users.empty() || !(fraction > 0))
            return;
        const std::size_t n =
            std::min(m_users.size(), static_cast<std::size_t>(std::ceil(std::min(fraction, 1.0) * m_users.size())));
        std::vector<std::size_t> order(m_users.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), m_commandRng);
        std::vector<std::size_t> slots;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t slot = m_plan.users[order[i]].slot;
            if (std::find(slots.begin(), slots.end(), slot) == slots.end())
                slots.push_back(slot);
        }
        for (std::size_t slot : slots)
            moveSlot(slot);
    }

    FleetStats stats() const
    {
        const FleetCounters& c = m_shared->counters;
        FleetStats s;
        s.sent = c.sent.load(std::memory_order_relaxed);
        s.answered = c.answered.load(std::memory_order_relaxed);
        s.failed = c.failed.load(std::memory_order_relaxed);
        s.droppedArrivals = c.droppedArrivals.load(std::memory_order_relaxed);
        s.ipChanges = c.ipChanges.load(std::memory_order_relaxed);
        s.distinctBackends = c.distinctBackends.load(std::memory_order_relaxed);
        s.pending = c.pending.load(std::memory_order_relaxed);
        s.steps = c.steps.load(std::memory_order_relaxed);
        s.arrivalRate = c.arrivalRate.load(std::memory_order_relaxed);
        return s;
    }

    void doStop()
    {
        if (m_shared->stopped)
            return;
        m_shared->stopped = true;
        disarm();
        for (auto& m : m_mobility)
            m.timer->cancel();
        for (auto& user : m_users)
            user->stop();
    }

private:
    struct Mobility {
        std::size_t slot;
        std::unique_ptr<asio::steady_timer> timer;
        std::mt19937_64 rng;
    };

    static std::vector<double> weights(const FleetPlan& plan)
    {
        std::vector<double> w;
        w.reserve(plan.users.size());
        for (const UserPlan& u : plan.users)
            w.push_back(u.weight);
        return w;
    }

    /// Draws the next arrival after m_base; false when the generator has none.
    bool draw()
    {
        if (!m_generator.active())
            return false;
        const Arrival a = m_generator.next();
        m_pendingUser = a.user;
        m_hasPending = true;
        m_nextArrival = m_base + toDuration(a.gapSeconds);
        return true;
    }

    void drawAndArm()
    {
        if (draw())
            arm();
    }

    void arm()
    {
        const std::uint64_t generation = ++m_generation;
        m_arrivalTimer.expires_at(m_nextArrival);
        m_arrivalTimer.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
            if (!ec && generation == self->m_generation)
                self->onArrival();
        });
    }

    void disarm()
    {
        ++m_generation;
        m_arrivalTimer.cancel();
    }

    void onArrival()
    {
        if (m_shared->stopped || held())
            return;
        // Every arrival due within the batch window goes now: one timer wake-up per window
        // instead of one per request (each re-arm is a timerfd_settime system call, which at
        // 20,000 requests/s cost the fleet's thread more than all its HTTP work).
        const TimePoint now = Clock::now();
        const TimePoint horizon = now + kArrivalBatch;
        for (int sent = 1;; ++sent) {
            m_hasPending = false;
            if (!m_users[m_pendingUser]->enqueue())
                m_shared->counters.droppedArrivals.fetch_add(1, std::memory_order_relaxed);
            m_base = std::max(m_nextArrival, now - Clock::duration(kMaxLag));
            if (!draw())
                return;
            if (m_nextArrival > horizon || m_shared->stopped || sent >= kMaxArrivalsPerWakeUp)
                break;
        }
        arm();
    }

    void armMobility(std::size_t i)
    {
        Mobility& m = m_mobility[i];
        const double mean = m_plan.slots[m.slot].ipChangeMeanSeconds;
        const double gap = std::exponential_distribution<double>(1.0 / mean)(m.rng) / m_speed;
        m.timer->expires_after(toDuration(gap));
        m.timer->async_wait([self = shared_from_this(), i](const boost::system::error_code& ec) {
            if (ec || self->m_shared->stopped)
                return;
            self->moveSlot(self->m_mobility[i].slot);
            self->armMobility(i);
        });
    }

    void moveSlot(std::size_t slot)
    {
        const Ipv4 from = m_slotIps[slot];
        const Ipv4 to = mobileAddress(m_nextMobile++);
        m_slotIps[slot] = to;
        for (std::size_t member : m_plan.slots[slot].members) {
            m_users[member]->moveTo(to);
            m_shared->counters.ipChanges.fetch_add(1, std::memory_order_relaxed);
            if (m_options.onIpChange && !m_stopping.load())
                m_options.onIpChange(IpChange{m_plan.users[member].id, from, to});
        }
    }

    asio::io_context& m_io;
    Options m_options;
    FleetPlan m_plan;
    std::vector<ClientIdentity> m_roster;
    std::shared_ptr<FleetShared> m_shared;
    std::vector<std::shared_ptr<VirtualUser>> m_users;
    ArrivalGenerator m_generator;
    asio::steady_timer m_arrivalTimer;
    std::mt19937_64 m_commandRng;
    std::vector<Mobility> m_mobility;
    std::vector<Ipv4> m_slotIps;
    std::uint32_t m_nextMobile = 0;
    std::atomic<bool> m_stopping{false};
    bool m_started = false;
    bool m_paused = false;
    bool m_stepping = false;
    double m_rate = 0;  ///< the configured total rate
    double m_speed = 1; ///< slow motion: the share of the rate (and of the address changes' pace)
    bool m_hasPending = false;
    std::size_t m_pendingUser = 0;
    TimePoint m_base;
    TimePoint m_nextArrival;
    Clock::duration m_pausedRemaining{};
    std::uint64_t m_generation = 0;
};

ClientFleet::ClientFleet(asio::io_context& io, Options options)
    : m_impl(std::make_shared<Impl>(io, std::move(options)))
{
}

ClientFleet::~ClientFleet()
{
    stop();
}

const std::vector<ClientIdentity>& ClientFleet::roster() const
{
    return m_impl->roster();
}

void ClientFleet::start()
{
    m_impl->post(&Impl::start);
}

void ClientFleet::setPaused(bool paused)
{
    asio::post(m_impl->executor(), [impl = m_impl, paused] { impl->setPaused(paused); });
}

void ClientFleet::stop()
{
    m_impl->requestStop();
}

void ClientFleet::setRequestRate(double perSecond)
{
    asio::post(m_impl->executor(), [impl = m_impl, perSecond] { impl->setRate(perSecond); });
}

void ClientFleet::setSpeed(double factor)
{
    asio::post(m_impl->executor(), [impl = m_impl, factor] { impl->setSpeed(factor); });
}

void ClientFleet::setStepping(bool on)
{
    asio::post(m_impl->executor(), [impl = m_impl, on] { impl->setStepping(on); });
}

void ClientFleet::step()
{
    asio::post(m_impl->executor(), [impl = m_impl] { impl->step(); });
}

void ClientFleet::changeIps(double fraction)
{
    asio::post(m_impl->executor(), [impl = m_impl, fraction] { impl->changeIps(fraction); });
}

FleetStats ClientFleet::stats() const
{
    return m_impl->stats();
}

} // namespace lblab
