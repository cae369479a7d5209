// An outside engine's log lines become the capture's requests; a line that cannot be read is
// counted and shown, never dropped in silence.

#include "core/engines/engine_log_intake.h"
#include "core/record/capture.h"
#include "support/wait_for.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace lblab {
namespace {

struct IntakeFixture : ::testing::Test {
    IntakeFixture()
    {
        capture.begin(Clock::now(), "cookie-affinity");
    }
    EngineLogIntake::Hooks hooks()
    {
        return {[](std::string_view name) { return name == "s1" ? 0 : name == "s2" ? 1 : -1; },
                [] { return std::string("cookie-affinity"); }};
    }
    std::string eventsCsv() const
    {
        std::ostringstream out;
        capture.writeEventsCsv(out);
        return out.str();
    }
    std::string labLog() const
    {
        std::string all;
        for (const auto& e : capture.labEvents())
            all += std::string(toString(e.kind)) + " " + e.subject + " " + e.detail + "\n";
        return all;
    }
    Capture capture{Capture::Options{}};
};

TEST_F(IntakeFixture, ALineBecomesOneRequestWithItsClientServerSessionAndWhy)
{
    EngineLogIntake intake("HAProxy", capture, hooks());
    intake.take("LBLAB1 127.0.3.17 200 4 0 s2 c17 hit pinned s2 GET /account\n");
    EXPECT_EQ(intake.requests(), 1u);
    EXPECT_EQ(capture.totals().requests, 1u);
    const std::string csv = eventsCsv();
    EXPECT_NE(csv.find("c17"), std::string::npos) << csv;
    EXPECT_NE(csv.find("127.0.3.17"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",s2,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("pinned"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",hit"), std::string::npos) << csv;
    EXPECT_NE(csv.find("4000"), std::string::npos) << "4 ms of latency, in microseconds:\n" << csv;
}

TEST_F(IntakeFixture, ARedispatchedPinIsARepinAndAnUnknownServerIsNoBackend)
{
    EngineLogIntake intake("HAProxy", capture, hooks());
    intake.take("LBLAB1 127.0.0.9 200 2 +1 s1 c3 hit pinned - GET /search");
    intake.take("LBLAB1 127.0.0.9 503 0 0 - c3 - - - GET /search");
    const std::string csv = eventsCsv();
    EXPECT_NE(csv.find("re-pinned"), std::string::npos) << csv;
    EXPECT_NE(csv.find("no-backend"), std::string::npos) << csv;
    EXPECT_EQ(capture.totals().requests, 2u);
}

TEST_F(IntakeFixture, AnUnreadableLineIsCountedAndShownNotDropped)
{
    EngineLogIntake intake("NGINX", capture, hooks());
    intake.take("LBLAB1 not-an-address 200 1 0 s1 c1 - - - GET /");
    intake.take("LBLAB1 127.0.0.1 2x0 1 0 s1 c1 - - - GET /");
    intake.take("LBLAB1 127.0.0.1 200 1 0 s1 c1 - - -");
    EXPECT_EQ(intake.unreadable(), 3u);
    EXPECT_EQ(intake.requests(), 0u);
    const std::string log = labLog();
    EXPECT_NE(log.find("NGINX a log line could not be read"), std::string::npos) << log;
    EXPECT_NE(log.find("not an IPv4 address"), std::string::npos) << "the first names its problem:\n" << log;
}

TEST_F(IntakeFixture, TheEnginesOwnNoticesAreCountedNotRequests)
{
    // HAProxy also writes them to its stderr, which the engine sends to the event log.
    EngineLogIntake intake("HAProxy", capture, hooks());
    intake.take("Server be_lab/s2 is DOWN, reason: Layer4 connection problem");
    EXPECT_EQ(intake.requests(), 0u);
    EXPECT_EQ(intake.unreadable(), 0u);
    EXPECT_EQ(intake.notices(), 1u);
    EXPECT_EQ(capture.totals().requests, 0u);
}

TEST_F(IntakeFixture, EveryDatagramOfABurstArrivesOverUdp)
{
    EngineLogIntake intake("HAProxy", capture, hooks());
    const std::uint16_t port = intake.start();
    ASSERT_NE(port, 0);
    boost::asio::io_context io;
    boost::asio::ip::udp::socket sender(io, boost::asio::ip::udp::v4());
    const boost::asio::ip::udp::endpoint to(boost::asio::ip::make_address_v4("127.0.0.1"), port);
    constexpr int kLines = 5000;
    for (int i = 0; i < kLines; ++i) {
        const std::string line = "LBLAB1 127.0.1." + std::to_string(i % 250 + 1) + " 200 1 0 s1 c" +
                                 std::to_string(i) + " none round-robin - GET /search";
        sender.send_to(boost::asio::buffer(line), to);
    }
    EXPECT_TRUE(test::waitFor([&] { return intake.requests() == kLines; }))
        << intake.requests() << " of " << kLines << " arrived, " << intake.lost() << " lost";
    EXPECT_EQ(intake.lost(), 0u);
    intake.stop();
}

} // namespace
} // namespace lblab
