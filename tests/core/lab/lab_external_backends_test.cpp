// A lab balancing to servers it did not start (--backend), driven only by outside clients (--clients 0).

#include "core/backend/backend_server.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "support/outside_servers.h"
#include "support/test_http_client.h"
#include "support/wait_for.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <map>
#include <thread>

namespace lblab {
namespace {

namespace asio = boost::asio;

using test::OutsideServers;

LabConfig externalConfig(const std::vector<std::string>& addresses)
{
    LabConfig c = *PresetCatalog::find("round-robin-basics");
    const BackendSpec base = c.servers.front();
    c.servers.clear();
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        BackendSpec s = base;
        s.name = 's';
        s.name += std::to_string(i + 1);
        s.externalAddress = addresses[i];
        c.servers.push_back(s);
    }
    for (auto& g : c.clients)
        g.count = 0; // --clients 0
    c.timeline.clear();
    c.healthCheck.intervalSeconds = 0.1;
    return c;
}

asio::ip::tcp::endpoint endpointOf(const std::string& url)
{
    // "http://127.0.0.1:40123/"
    const auto hostStart = url.find("//") + 2;
    const auto colon = url.rfind(':');
    return {asio::ip::make_address(url.substr(hostStart, colon - hostStart)),
            static_cast<unsigned short>(std::stoi(url.substr(colon + 1)))};
}

bool logMentions(const Lab& lab, const std::string& subject, const std::string& words)
{
    for (const auto& e : lab.capture().labEvents())
        if (e.subject == subject && e.detail.find(words) != std::string::npos)
            return true;
    return false;
}

TEST(LabExternalBackendsTest, OutsideClientsAreBalancedOverOutsideServers)
{
    OutsideServers outside(2);
    Lab lab(externalConfig({outside.address(0), outside.address(1)}));
    lab.start();
    ASSERT_EQ(lab.fleetStats().sent, 0u);

    test::TestHttpClient client(endpointOf(lab.balancerUrl()));
    std::map<std::string, int> hits;
    for (int i = 0; i < 40; ++i) {
        auto answer = client.get("/search?loc=eu");
        ASSERT_TRUE(answer) << "request " << i;
        EXPECT_EQ(answer->status, 200u);
        ++hits[answer->backend];
    }
    lab.stop();

    // The outside servers answer under their own names; round robin splits evenly between them.
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits["outside1"], 20);
    EXPECT_EQ(hits["outside2"], 20);
    EXPECT_EQ(lab.capture().totals().requests, 40u) << "outside clients are captured like generated ones";
    EXPECT_EQ(lab.fleetStats().sent, 0u) << "--clients 0 generates nothing";
    const RunSummary s = lab.summary();
    ASSERT_EQ(s.servers.size(), 2u);
    EXPECT_EQ(s.servers[0].name, "s1");
}

TEST(LabExternalBackendsTest, OutsideServersCannotBeKilledFromTheLab)
{
    OutsideServers outside(1);
    Lab lab(externalConfig({outside.address(0)}));
    lab.start();
    lab.killBackend("s1");
    lab.restoreBackend("s1");
    lab.setRequestRate(50);    // no fleet: must not crash
    lab.changeClientIps(0.5);  // likewise
    lab.setPaused(true);
    lab.setPaused(false);
    lab.publishNow();          // runs after the posted commands
    test::TestHttpClient client(endpointOf(lab.balancerUrl()));
    auto answer = client.get("/search?loc=eu");
    lab.stop();

    EXPECT_TRUE(logMentions(lab, "s1", "outside server cannot be killed"));
    EXPECT_TRUE(logMentions(lab, "s1", "outside server cannot be restarted"));
    ASSERT_TRUE(answer) << "the outside server still serves after the refused kill";
    EXPECT_EQ(answer->status, 200u);
}

TEST(LabExternalBackendsTest, ADeadOutsideServerIsMarkedDownByHealthChecks)
{
    std::string dead;
    {
        OutsideServers gone(1);
        dead = gone.address(0); // nothing listens there any more
    }
    OutsideServers fresh(1);
    Lab lab(externalConfig({fresh.address(0), dead}));
    lab.start();
    // fall = 2 probes at 0.1 s
    ASSERT_TRUE(test::waitFor([&] { return lab.publishNow()->servers.at(1).state == BackendState::Down; }));
    test::TestHttpClient client(endpointOf(lab.balancerUrl()));
    int ok = 0;
    for (int i = 0; i < 10; ++i)
        if (auto a = client.get("/search?loc=eu"); a && a->status == 200)
            ++ok;
    const auto snap = lab.publishNow();
    lab.stop();
    EXPECT_EQ(ok, 10) << "requests go to the live server only";
    ASSERT_EQ(snap->servers.size(), 2u);
    EXPECT_EQ(snap->servers[1].state, BackendState::Down);
}

TEST(LabExternalBackendsTest, ABadAddressFailsStartWithItsName)
{
    Lab lab(externalConfig({"not-an-address:80"}));
    try {
        lab.start();
        FAIL() << "start() should have thrown";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("not-an-address:80"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace lblab
