// RequestAccounting: the one counting of a run's events that the live capture and the replay share.

#include "core/record/request_accounting.h"

#include <gtest/gtest.h>

namespace lblab {
namespace {

RequestEvent request(const std::string& client, int backend, unsigned status = 200,
                     SessionOutcome session = SessionOutcome::None, DecisionKind decision = DecisionKind::Pinned,
                     std::uint32_t latencyUs = 1000)
{
    RequestEvent e;
    e.clientId = client;
    e.clientIp = 0x7F010101;
    e.backend = backend;
    e.backendName = backend >= 0 ? "s" + std::to_string(backend + 1) : "";
    e.status = status;
    e.session = session;
    e.decision = decision;
    e.latencyUs = latencyUs;
    return e;
}

TEST(RequestAccountingTest, CountsRequestsErrorsSessionsAndDecisions)
{
    RequestAccounting a({});
    a.request(request("c0", 0, 200, SessionOutcome::Hit));
    a.request(request("c0", 0, 401, SessionOutcome::Miss));
    a.request(request("c1", 1, 503));
    a.request(request("c1", -1, 0, SessionOutcome::None, DecisionKind::NoBackend)); // nobody answered
    a.request(request("c2", 1, 200, SessionOutcome::Created, DecisionKind::Repinned));
    a.request(request("c2", 1, 200, SessionOutcome::None, DecisionKind::Retried));

    const Totals t = a.totals();
    EXPECT_EQ(t.requests, 6u);
    EXPECT_EQ(t.errors, 2u) << "a 503 and a request nobody answered";
    EXPECT_EQ(t.sessionRequests, 2u) << "hits and misses need a session; a login creates one";
    EXPECT_EQ(t.sessionMisses, 1u);
    EXPECT_EQ(t.repins, 1u);
    EXPECT_EQ(t.retries, 1u);

    const auto stats = a.backendStats();
    ASSERT_EQ(stats.size(), 2u);
    EXPECT_EQ(stats[0].name, "s1");
    EXPECT_EQ(stats[0].requests, 2u);
    EXPECT_EQ(stats[0].sessionMisses, 1u);
    EXPECT_EQ(stats[1].requests, 3u);
    EXPECT_EQ(stats[1].errors, 1u);
    EXPECT_EQ(a.servers()[1].byStatusClass[Status5xx], 1u);
    EXPECT_EQ(a.servers()[1].byStatusClass[Status2xx], 2u);
}

TEST(RequestAccountingTest, LatencyPercentilesPerServer)
{
    RequestAccounting a({});
    for (std::uint32_t us = 1; us <= 100; ++us)
        a.request(request("c0", 0, 200, SessionOutcome::None, DecisionKind::RoundRobin, us));
    const auto stats = a.backendStats();
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_EQ(stats[0].p50Us, 50u);
    EXPECT_EQ(stats[0].p99Us, 99u);
}

TEST(RequestAccountingTest, AnAddressChangeBreaksAffinityOnlyWhenTheServerChanges)
{
    RequestAccounting a({});
    a.registerClient("c0", "phones", 0x7F010101);
    a.registerClient("c1", "phones", 0x7F010102);
    a.request(request("c0", 0));
    a.request(request("c1", 1));
    a.ipChange("c0", 0x7F010101, 0x7F010201, 10);
    a.ipChange("c0", 0x7F010201, 0x7F010301, 11); // two changes before a request: one break at most
    a.ipChange("c1", 0x7F010102, 0x7F010202, 12);
    a.request(request("c0", 2)); // moved: a break
    a.request(request("c1", 1)); // stayed: none
    a.request(request("c0", 0)); // no change pending: not a break
    const Totals t = a.totals();
    EXPECT_EQ(t.ipChanges, 3u);
    EXPECT_EQ(t.affinityBreaks, 1u);
    EXPECT_EQ(t.remappedClients, 0u);
    EXPECT_EQ(a.openInterval().ipChanges, 3u);
    EXPECT_EQ(a.openInterval().affinityBreaks, 1u);
}

TEST(RequestAccountingTest, ATopologyChangeRemapsEachMovedClientOnce)
{
    RequestAccounting a({});
    a.request(request("c0", 0));
    a.request(request("c1", 1));
    a.request(request("c2", 2));
    a.topologyChange();
    a.request(request("c0", 3)); // moved
    a.request(request("c0", 0)); // moved back, but the change was already judged
    a.request(request("c1", 1)); // stayed
    const Totals before = a.totals();
    EXPECT_EQ(before.remappedClients, 1u);
    // The order matters: a request counted before the change is not compared with it.
    a.request(request("c2", 0));
    EXPECT_EQ(a.totals().remappedClients, 2u) << "c2's first request after the change";
    a.request(request("c3", 0)); // a client first seen after the change has nothing to compare
    EXPECT_EQ(a.totals().remappedClients, 2u);
}

TEST(RequestAccountingTest, ClosingAnIntervalStartsAnEmptyOneAndKeepsTheRunsCounts)
{
    RequestAccounting a({});
    a.ensureBackends(3);
    a.nameBackend(2, "s3");
    a.request(request("c0", 0, 200, SessionOutcome::Miss));
    a.ipChange("c0", 1, 2, 5);
    const IntervalCounts first = a.closeInterval();
    EXPECT_EQ(first.sessionRequests, 1u);
    EXPECT_EQ(first.sessionMisses, 1u);
    EXPECT_EQ(first.ipChanges, 1u);
    ASSERT_EQ(first.servers.size(), 3u);
    EXPECT_EQ(first.servers[0].requests, 1u);
    EXPECT_EQ(first.servers[0].latency.count(), 1u);

    const IntervalCounts second = a.closeInterval();
    EXPECT_EQ(second.sessionRequests, 0u);
    ASSERT_EQ(second.servers.size(), 3u);
    EXPECT_EQ(second.servers[0].requests, 0u);
    EXPECT_EQ(a.servers()[0].requests, 1u);
    EXPECT_EQ(a.backendStats()[2].name, "s3") << "a server with no request yet still has its line";
}

TEST(RequestAccountingTest, ClientsBeyondTheCapacityAreCountedNotTracked)
{
    RequestAccounting a({2, 4});
    a.request(request("c0", 0));
    a.request(request("c1", 0));
    a.request(request("c2", 0));
    a.request(request("c3", 0));
    a.request(request("c3", 0));
    EXPECT_EQ(a.totals().requests, 5u);
    EXPECT_EQ(a.totals().untrackedClients, 2u);
    std::vector<ClientView> clients;
    a.clients().fill(clients);
    EXPECT_EQ(clients.size(), 2u);
}

TEST(RequestAccountingTest, TheSameEventsInTheSameOrderGiveTheSameNumbers)
{
    // What the replay relies on: two accountings fed alike agree on everything the summary reports.
    RequestAccounting live({});
    RequestAccounting replay({});
    for (RequestAccounting* a : {&live, &replay}) {
        a->registerClient("c0", "g", 1);
        a->request(request("c0", 0, 200, SessionOutcome::Hit, DecisionKind::Hash, 700));
        a->topologyChange();
        a->ipChange("c0", 1, 2, 20);
        a->request(request("c0", 1, 401, SessionOutcome::Miss, DecisionKind::Hash, 900));
    }
    const Totals l = live.totals();
    const Totals r = replay.totals();
    EXPECT_EQ(l.remappedClients, 1u);
    EXPECT_EQ(l.affinityBreaks, 1u);
    EXPECT_EQ(r.requests, l.requests);
    EXPECT_EQ(r.remappedClients, l.remappedClients);
    EXPECT_EQ(r.affinityBreaks, l.affinityBreaks);
    EXPECT_EQ(r.sessionMisses, l.sessionMisses);
    EXPECT_EQ(replay.backendStats()[1].p50Us, live.backendStats()[1].p50Us);
}

TEST(RequestAccountingTest, AClientsViewShowsItsLastRequestsKeyAndWhyAfterAddressChanges)
{
    RequestAccounting::Options options;
    options.storyEntries = 2; // as the replay counts
    RequestAccounting a(options);
    a.registerClient("c0", "phones", 0x7F010101);
    RequestEvent e = request("c0", 1);
    e.sessionKey = "sid-7";
    e.reason.hashModulo(0x2A, 3);
    e.why = "from the engine's log";
    a.request(e);
    for (int i = 0; i < 4; ++i)
        a.ipChange("c0", 0x7F010101 + i, 0x7F010102 + i, 10 + i);
    std::vector<ClientView> views;
    a.clients().fill(views);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].id, "c0");
    EXPECT_EQ(views[0].group, "phones");
    EXPECT_EQ(views[0].ip, 0x7F010105u);
    EXPECT_EQ(views[0].backend, 1);
    EXPECT_EQ(views[0].sessionKey, "sid-7");
    EXPECT_EQ(views[0].reason, e.reason);
    EXPECT_EQ(views[0].why, "from the engine's log");
    // An outside client comes after the users, with its own key.
    RequestEvent outside = request("ext-127.1.2.3", 0);
    outside.sessionKey = "cookie-1";
    a.request(outside);
    views.clear();
    a.clients().fill(views);
    ASSERT_EQ(views.size(), 2u);
    EXPECT_TRUE(views[1].external);
    EXPECT_EQ(views[1].sessionKey, "cookie-1");
    EXPECT_EQ(views[1].reason, DecisionReason{});
}

} // namespace
} // namespace lblab
