// A phone's browser at the lab, for real: Debian's chromium (headless, phone-sized) opens the
// balancer's address on loopback and taps the visitor page's Log in and My account buttons. Skipped
// when chromium is not installed (apt-get install chromium); the same flow runs without a browser in
// tests/core/lab/visitor_page_lab_test.cpp. The pictures go to the test output folder.

#include "core/config/preset_catalog.h"
#include "core/lab/lab.h"
#include "support/headless_browser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lblab {
namespace {

constexpr int kPhoneWidth = 412;
constexpr int kPhoneHeight = 900;

class BrowserJoinTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_program = test::HeadlessBrowser::program();
        if (m_program.empty())
            GTEST_SKIP() << "no chromium on PATH (apt-get install chromium)";
        m_out = std::filesystem::path(LBLAB_TEST_OUTPUT_DIR) / "browser-join";
        std::filesystem::create_directories(m_out);
    }

    /// A lab open to the network under `policy`, with a few generated users beside the phone.
    static LabConfig openLab(const std::string& policy)
    {
        LabConfig c = *PresetCatalog::find("login-round-robin");
        c.policy = policy;
        c.requestRate = 20;
        for (auto& g : c.clients)
            g.count = 6;
        c.listenAddress = "0.0.0.0";
        return c;
    }

    void save(const std::string& png, const std::string& name) const
    {
        std::ofstream(m_out / name, std::ios::binary) << png;
    }

    std::string m_program;
    std::filesystem::path m_out;
};

TEST_F(BrowserJoinTest, LogInThenMyAccountFindsTheSessionUnderCookieAffinity)
{
    Lab lab(openLab("cookie-affinity"));
    lab.start();
    const std::string url = "http://127.0.0.1:" + std::to_string(lab.balancerPort()) + "/";
    test::HeadlessBrowser browser(m_program, m_out / "profile-cookie", m_out / "chromium-cookie.log");
    ASSERT_TRUE(browser.open(kPhoneWidth, kPhoneHeight));
    ASSERT_TRUE(browser.navigate(url));
    const std::string first = browser.text(".server");
    EXPECT_FALSE(first.empty()) << "the page names the server that answered";
    EXPECT_EQ(browser.text(".addr"), "127.0.0.1") << "the visitor's address as the balancer saw it";

    ASSERT_TRUE(browser.clickAndWait("form[action='/login'] button"));
    const std::string loggedIn = browser.text(".server");
    EXPECT_EQ(loggedIn, first) << "the balancer's cookie keeps the browser on its server";
    EXPECT_EQ(browser.text(".result"), "Logged in on " + loggedIn + ".");

    ASSERT_TRUE(browser.clickAndWait("form[action='/account'] button"));
    EXPECT_EQ(browser.text(".server"), loggedIn);
    EXPECT_EQ(browser.text(".result"), "Your account on " + loggedIn + ": session found.");
    const std::string png = browser.screenshotPng();
    ASSERT_GT(png.size(), 1000u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    save(png, "join-page-found.png");
    lab.stop();
}

TEST_F(BrowserJoinTest, UnderRoundRobinMyAccountLandsWhereTheSessionIsMissing)
{
    Lab lab(openLab("round-robin"));
    lab.start();
    const std::string url = "http://127.0.0.1:" + std::to_string(lab.balancerPort()) + "/";
    test::HeadlessBrowser browser(m_program, m_out / "profile-rr", m_out / "chromium-rr.log");
    ASSERT_TRUE(browser.open(kPhoneWidth, kPhoneHeight));
    ASSERT_TRUE(browser.navigate(url));
    std::string loggedIn, result;
    for (int attempt = 0; attempt < 20 && result.find("missing") == std::string::npos; ++attempt) {
        ASSERT_TRUE(browser.clickAndWait("form[action='/login'] button"));
        loggedIn = browser.text(".server");
        ASSERT_EQ(browser.text(".result"), "Logged in on " + loggedIn + ".");
        ASSERT_TRUE(browser.clickAndWait("form[action='/account'] button"));
        result = browser.text(".result");
    }
    const std::string answered = browser.text(".server");
    EXPECT_NE(answered, loggedIn);
    EXPECT_EQ(result, "Session missing on " + answered + " (you were logged in on " + loggedIn + ").");
    save(browser.screenshotPng(), "join-page-missing.png");
    lab.stop();
}

} // namespace
} // namespace lblab
