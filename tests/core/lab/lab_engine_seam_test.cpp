// The lab drives its balancer only through BalancerEngine: a wrapper engine that forwards every
// call to the builtin one and counts it, plugged in through Lab's factory. Real sockets: the
// generated users' requests go through the wrapped balancer to real backends.

#include "core/balancer_engine.h"
#include "core/config/preset_catalog.h"
#include "core/lab/engine_factory.h"
#include "core/lab/lab.h"

#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace lblab {
namespace {

/// How often the lab called each part of the seam.
struct EngineCalls {
    std::atomic<int> start{0}, stop{0}, endpoint{0};
    std::atomic<int> addBackend{0}, removeBackend{0}, setDraining{0}, setWeight{0}, markBackend{0};
    std::atomic<int> setPolicy{0}, policyId{0}, policyStateful{0};
    std::atomic<int> backends{0}, openConnections{0}, idleUpstreamConnections{0};
    std::atomic<int> table{0}, tableSize{0}, lookup{0};
};

/// Forwards every call to `inner` (the builtin engine) and counts it.
class CountingEngine : public BalancerEngine {
public:
    CountingEngine(std::unique_ptr<BalancerEngine> inner, std::shared_ptr<EngineCalls> calls)
        : m_inner(std::move(inner)), m_calls(std::move(calls))
    {
    }

    void start() override { ++m_calls->start; m_inner->start(); }
    void stop() override { ++m_calls->stop; m_inner->stop(); }
    boost::asio::ip::tcp::endpoint endpoint() const override { ++m_calls->endpoint; return m_inner->endpoint(); }
    int addBackend(const std::string& name, const std::string& region, int weight,
                   const boost::asio::ip::tcp::endpoint& endpoint) override
    {
        ++m_calls->addBackend;
        return m_inner->addBackend(name, region, weight, endpoint);
    }
    void removeBackend(int index) override { ++m_calls->removeBackend; m_inner->removeBackend(index); }
    void setDraining(int index, bool draining) override { ++m_calls->setDraining; m_inner->setDraining(index, draining); }
    void setWeight(int index, int weight) override { ++m_calls->setWeight; m_inner->setWeight(index, weight); }
    void markBackend(int index, bool up, const std::string& reason) override
    {
        ++m_calls->markBackend;
        m_inner->markBackend(index, up, reason);
    }
    std::optional<PinHandover> setPolicy(const std::string& id) override
    {
        ++m_calls->setPolicy;
        return m_inner->setPolicy(id);
    }
    std::string policyId() const override { ++m_calls->policyId; return m_inner->policyId(); }
    bool policyStateful() const override { ++m_calls->policyStateful; return m_inner->policyStateful(); }
    std::vector<BalancerBackend> backends() const override { ++m_calls->backends; return m_inner->backends(); }
    std::size_t openConnections() const override { ++m_calls->openConnections; return m_inner->openConnections(); }
    std::size_t idleUpstreamConnections() const override
    {
        ++m_calls->idleUpstreamConnections;
        return m_inner->idleUpstreamConnections();
    }
    std::vector<PinEntry> table(std::size_t limit) const override { ++m_calls->table; return m_inner->table(limit); }
    std::size_t tableSize() const override { ++m_calls->tableSize; return m_inner->tableSize(); }
    std::vector<std::optional<PinEntry>> lookup(const std::vector<std::string>& keys) const override
    {
        ++m_calls->lookup;
        return m_inner->lookup(keys);
    }

private:
    std::unique_ptr<BalancerEngine> m_inner;
    std::shared_ptr<EngineCalls> m_calls;
};

LabConfig smallLab()
{
    LabConfig c = *PresetCatalog::find("round-robin-basics"); // s1, s2, s3, round robin
    c.requestRate = 200;
    c.clients[0].count = 20;
    return c;
}

const BackendView* find(const Snapshot& s, const std::string& name)
{
    for (const auto& v : s.servers)
        if (v.name == name)
            return &v;
    return nullptr;
}

TEST(LabEngineSeamTest, TheLabRunsThroughTheEngineItWasGiven)
{
    auto calls = std::make_shared<EngineCalls>();
    Lab lab(smallLab(), [calls](const LabConfig& config, Capture& capture) -> std::unique_ptr<BalancerEngine> {
        return std::make_unique<CountingEngine>(makeBalancerEngine(config, capture), calls);
    });
    lab.start();
    EXPECT_EQ(calls->start, 1);
    EXPECT_EQ(calls->addBackend, 3) << "each configured server is added through the seam";
    EXPECT_GE(calls->endpoint, 1) << "the users are pointed at the engine's endpoint";
    EXPECT_NE(lab.balancerUrl().find("http://127.0.0.1:"), std::string::npos) << lab.balancerUrl();

    // The users' requests go through the wrapped engine to real backends and reach the capture.
    ASSERT_TRUE(test::waitFor([&] { return lab.capture().totals().requests >= 40; }))
        << "requests so far: " << lab.capture().totals().requests;
    EXPECT_EQ(lab.capture().totals().errors, 0u);
    const auto firstStats = lab.capture().backendStats();
    ASSERT_EQ(firstStats.size(), 3u);
    for (const auto& server : firstStats)
        EXPECT_GT(server.requests, 0u) << server.name << " got no requests through the engine";

    // Every command reaches the engine.
    lab.setPolicy("source-ip-affinity");
    lab.setWeight("s1", 3);
    lab.setDraining("s2", true);
    const std::string added = lab.addBackend();
    lab.removeBackend("s3");
    std::shared_ptr<const Snapshot> s;
    ASSERT_TRUE(test::waitFor([&] {
        s = lab.publishNow();
        const BackendView* a = s ? find(*s, added) : nullptr;
        const BackendView* removed = s ? find(*s, "s3") : nullptr;
        return a && removed && removed->state == BackendState::Removed && s->policy == "source-ip-affinity";
    }));
    EXPECT_EQ(calls->setPolicy, 1);
    EXPECT_EQ(calls->setWeight, 1);
    EXPECT_EQ(calls->setDraining, 1);
    EXPECT_EQ(calls->addBackend, 4);
    EXPECT_EQ(calls->removeBackend, 1);
    EXPECT_EQ(calls->markBackend, 0) << "a kill is the backend's; the engine finds out by its health checks";
    ASSERT_NE(find(*s, "s1"), nullptr);
    EXPECT_EQ(find(*s, "s1")->weight, 3) << "the snapshot's servers are the engine's backends()";
    EXPECT_EQ(find(*s, "s2")->state, BackendState::Draining);
    EXPECT_TRUE(s->policyStateful);
    EXPECT_GE(calls->backends, 1);
    EXPECT_GE(calls->policyId, 1);
    EXPECT_GE(calls->policyStateful, 1);

    // A stateful policy's pins are read through the seam too, and the new server takes traffic.
    ASSERT_TRUE(test::waitFor([&] {
        bool served = false;
        for (const auto& server : lab.capture().backendStats())
            served = served || (server.name == added && server.requests > 0);
        return served && lab.publishNow()->tableSize > 0;
    })) << "the added server got no requests, or the engine's table stayed empty";
    EXPECT_GE(calls->lookup, 1);
    EXPECT_GE(calls->table, 1);
    EXPECT_GE(calls->tableSize, 1);

    const int stopsBefore = calls->stop;
    lab.stop();
    EXPECT_EQ(calls->stop, stopsBefore + 1);
    EXPECT_EQ(lab.summary().policy, "source-ip-affinity");
}

TEST(LabEngineSeamTest, AFactoryThatMakesNoEngineFailsTheStart)
{
    Lab lab(smallLab(), [](const LabConfig&, Capture&) { return std::unique_ptr<BalancerEngine>(); });
    EXPECT_THROW(lab.start(), std::runtime_error);
    EXPECT_EQ(lab.state(), RunState::Idle);
}

} // namespace
} // namespace lblab
