#include "core/record/recent_requests.h"

#include "core/record/capture.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lblab {
namespace {

RequestEvent event(int n, std::int64_t tUs)
{
    RequestEvent e;
    e.tUs = tUs;
    e.clientId = "c" + std::to_string(n);
    e.path = "/account?n=" + std::to_string(n) + "&padding=past-the-small-string-buffer";
    e.backend = n % 3;
    return e;
}

TEST(RecentRequests, KeepsTheNewestOldestFirstWithinItsCapacity)
{
    RecentRequests recent(4);
    for (int n = 1; n <= 10; ++n)
        recent.push(event(n, n * 1000), n * 1000);
    EXPECT_EQ(recent.total(), 10u);
    EXPECT_EQ(recent.size(), 4u);

    std::vector<RequestEvent> out;
    recent.copyTo(out, 0, 100);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out.front().clientId, "c7");
    EXPECT_EQ(out.back().clientId, "c10");

    out.clear();
    recent.copyTo(out, 0, 2);
    ASSERT_EQ(out.size(), 2u) << "the limit keeps the newest";
    EXPECT_EQ(out.front().clientId, "c9");

    out.clear();
    recent.copyTo(out, 8500, 100);
    ASSERT_EQ(out.size(), 2u) << "only those recorded since the time asked";
    EXPECT_EQ(out.front().clientId, "c9");
}

TEST(RecentRequests, AnEmptyRingCopiesNothing)
{
    RecentRequests recent(0);
    EXPECT_EQ(recent.capacity(), 1u);
    std::vector<RequestEvent> out;
    recent.copyTo(out, 0, 10);
    EXPECT_TRUE(out.empty());
}

TEST(RecentRequests, CaptureSnapshotsAreBoundedAndNumbered)
{
    Capture capture({});
    capture.begin(Clock::now());
    const std::int64_t now = capture.sinceStartUs(Clock::now());
    for (int n = 1; n <= 1000; ++n)
        capture.record(event(n, now));
    Snapshot s;
    capture.fillSnapshot(s, 10, 10);
    EXPECT_EQ(s.recentRequests.size(), Snapshot::kRecentRequests);
    EXPECT_EQ(s.recentRequestsEnd, 1000u);
    EXPECT_EQ(s.recentRequests.back().clientId, "c1000") << "recentRequests.back() is request number recentRequestsEnd";
    EXPECT_EQ(s.recentRequests.front().clientId, "c" + std::to_string(1000 - Snapshot::kRecentRequests + 1));
}

} // namespace
} // namespace lblab
