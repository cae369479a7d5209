#include "core/engines/haproxy_answers.h"

#include <gtest/gtest.h>

namespace lblab {

namespace {

// Answers of a real HAProxy 2.6.12 (the header cut after the columns the parser reads, plus some).
constexpr const char* kShowStat =
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,"
    "weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,"
    "rate_lim,rate_max,check_status,check_code,\n"
    "fe,FRONTEND,,,0,1,9980,1,82,614,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,1,,,\n"
    "be,s1,0,0,2,1,,3,82,614,,0,,0,0,2,0,no check,1,1,0,,,5,,,1,3,1,,1,,2,0,,1,,\n"
    "be,s2,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT,5,1,0,,,5,,,1,3,2,,0,,2,0,,0,L4CON,\n"
    "be,BACKEND,0,0,0,1,998,1,82,614,0,0,,0,0,2,0,UP,2,2,0,,0,5,0,,1,3,0,,1,,1,0,,1,,,\n"
    "\n";

constexpr const char* kShowTable = "# table: be, type: ip, size:102400, used:2\n"
                                   "0x55c27c5feaf0: key=127.0.0.1 use=0 exp=297579 server_id=1 server_key=s1\n"
                                   "0x55c27c5feb80: key=127.0.0.2 use=1 exp=1000 shard=0 server_id=2 http_req_cnt=7 server_key=s2\n"
                                   "\n";

} // namespace

TEST(HaproxyAnswersTest, ShowStatKeepsTheServerRows)
{
    const auto rows = parseShowStat(kShowStat);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].proxy, "be");
    EXPECT_EQ(rows[0].server, "s1");
    EXPECT_EQ(rows[0].status, "no check");
    EXPECT_EQ(rows[0].weight, 1);
    EXPECT_EQ(rows[0].current, 2);
    EXPECT_EQ(rows[0].total, 3);
    EXPECT_EQ(rows[0].checkStatus, "");
    EXPECT_EQ(rows[1].server, "s2");
    EXPECT_EQ(rows[1].status, "MAINT");
    EXPECT_EQ(rows[1].weight, 5);
    EXPECT_EQ(rows[1].checkStatus, "L4CON");
}

TEST(HaproxyAnswersTest, ShowStatFindsColumnsByTheHeader)
{
    const auto rows = parseShowStat("# svname,weight,pxname,status\nBACKEND,2,be,UP\ns9,7,be,DRAIN\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].server, "s9");
    EXPECT_EQ(rows[0].proxy, "be");
    EXPECT_EQ(rows[0].weight, 7);
    EXPECT_EQ(rows[0].status, "DRAIN");
    EXPECT_EQ(rows[0].total, 0);
}

TEST(HaproxyAnswersTest, ShowStatRefusesAnAnswerWithoutHeader)
{
    try {
        parseShowStat("Permission denied\n\n");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("Permission denied"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parseShowStat("# a,b,c\n"), std::runtime_error);
}

TEST(HaproxyAnswersTest, ShowTableRows)
{
    const auto rows = parseShowTable(kShowTable);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].key, "127.0.0.1");
    EXPECT_EQ(rows[0].serverId, 1);
    EXPECT_EQ(rows[0].expireMs, 297579);
    EXPECT_EQ(rows[0].serverKey, "s1");
    EXPECT_EQ(rows[1].key, "127.0.0.2");
    EXPECT_EQ(rows[1].serverId, 2);
    EXPECT_EQ(rows[1].expireMs, 1000);
    EXPECT_EQ(rows[1].serverKey, "s2");
    EXPECT_EQ(rows[0].requests, -1) << "a table that stores no counter";
    EXPECT_EQ(rows[1].requests, 7) << "http_req_cnt, the requests tracked on the entry";

    EXPECT_TRUE(parseShowTable("# table: be, type: ip, size:102400, used:0\n\n").empty());
    // A string key, and an entry without a server yet.
    const auto strings = parseShowTable("# table: be, type: string, size:10, used:1\n"
                                        "0x1: key=abc def use=0 exp=5\n");
    ASSERT_EQ(strings.size(), 1u);
    EXPECT_EQ(strings[0].key, "abc def");
    EXPECT_EQ(strings[0].serverId, -1);
    EXPECT_EQ(strings[0].serverKey, "");
}

TEST(HaproxyAnswersTest, ShowTableRefusesAnError)
{
    EXPECT_THROW(parseShowTable("No such table: nope\n"), std::runtime_error);
    EXPECT_THROW(parseShowTable(""), std::runtime_error);
}

} // namespace lblab
