#include "core/engines/haproxy_config.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lblab {
namespace {

namespace fs = std::filesystem;

/// A mkdtemp folder, removed with its contents at the end of the test.
class TempFolder {
public:
    TempFolder()
    {
        std::string pattern = (fs::temp_directory_path() / "lblab-haproxy-cfg-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed for " + pattern);
        m_path = pattern;
    }
    ~TempFolder()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

/// The program on PATH or in the sbin folders Debian installs it to; "" when missing.
std::string programPath(const std::string& name)
{
    std::vector<std::string> dirs;
    if (const char* path = std::getenv("PATH")) {
        std::stringstream in(path);
        for (std::string dir; std::getline(in, dir, ':');)
            if (!dir.empty())
                dirs.push_back(dir);
    }
    for (const char* dir : {"/usr/sbin", "/sbin", "/usr/local/sbin"})
        dirs.emplace_back(dir);
    for (const auto& dir : dirs) {
        const fs::path candidate = fs::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return {};
}

struct CommandResult {
    int exitCode = -1;
    std::string output; ///< stdout and stderr together
};

CommandResult runCommand(const std::string& command)
{
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return result;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Three backends as the lab's default scenario has them: weights 1,2,1, regions eu,us,eu.
EngineSetup threeBackends(const std::string& policy, const fs::path& runDir)
{
    EngineSetup s;
    s.policy = policy;
    s.listenPort = 18080;
    s.logPort = 18514;
    s.peersPort = 18515;
    s.runDir = runDir;
    s.backends = {
        {"s1", "eu", 1, "127.0.0.1", 19001},
        {"s2", "us", 2, "127.0.0.1", 19002},
        {"s3", "eu", 1, "127.0.0.1", 19003},
    };
    return s;
}

std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

/// The highlighted lines' text, joined by newlines (for failure messages and searches).
std::string policyText(const GeneratedConfig& config)
{
    const auto lines = linesOf(config.text);
    std::string out;
    for (int n : config.policyLines)
        if (n >= 1 && n <= static_cast<int>(lines.size()))
            out += lines[static_cast<std::size_t>(n - 1)] + "\n";
    return out;
}

/// Writes the configuration where the engine would and runs `haproxy -c` on it.
void expectHaproxyAccepts(const EngineSetup& setup, const GeneratedConfig& config)
{
    const std::string haproxy = programPath("haproxy");
    if (haproxy.empty())
        GTEST_SKIP() << "haproxy is not installed (looked on PATH and in /usr/sbin)";
    const fs::path file = EnginePaths::config(setup, EngineKind::Haproxy);
    std::ofstream(file) << config.text;
    const CommandResult r = runCommand("'" + haproxy + "' -c -f '" + file.string() + "'");
    EXPECT_EQ(r.exitCode, 0) << "haproxy -c said:\n" << r.output << "\nfor:\n" << config.text;
}

const std::vector<std::string> kPolicies{
    "round-robin",     "weighted-round-robin", "random",          "least-connections",  "power-of-two",
    "ip-hash",         "url-hash",             "geo",             "consistent-hash",    "source-ip-affinity",
    "cookie-affinity", "session-affinity",     "url-param-affinity",
};

class HaproxyConfigPolicyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HaproxyConfigPolicyTest, HaproxyAcceptsTheConfiguration)
{
    TempFolder dir;
    const EngineSetup setup = threeBackends(GetParam(), dir.path());
    const GeneratedConfig config = HaproxyConfig::generate(setup);
    EXPECT_EQ(config.fileName, "haproxy.cfg");
    expectHaproxyAccepts(setup, config);
}

TEST_P(HaproxyConfigPolicyTest, HaproxyAcceptsItWithADrainingAndADownServer)
{
    TempFolder dir;
    EngineSetup setup = threeBackends(GetParam(), dir.path());
    setup.backends[1].draining = true;
    setup.backends[2].down = true;
    const GeneratedConfig config = HaproxyConfig::generate(setup);
    EXPECT_NE(config.text.find("server s2 127.0.0.1:19002 weight 0 "), std::string::npos) << config.text;
    EXPECT_NE(config.text.find(" disabled"), std::string::npos) << config.text;
    expectHaproxyAccepts(setup, config);
}

TEST_P(HaproxyConfigPolicyTest, PolicyLinesAreAscendingAndInsideTheFile)
{
    TempFolder dir;
    const GeneratedConfig config = HaproxyConfig::generate(threeBackends(GetParam(), dir.path()));
    const int lineCount = static_cast<int>(linesOf(config.text).size());
    ASSERT_FALSE(config.policyLines.empty());
    for (std::size_t i = 0; i < config.policyLines.size(); ++i) {
        EXPECT_GE(config.policyLines[i], 1);
        EXPECT_LE(config.policyLines[i], lineCount);
        if (i > 0) {
            EXPECT_LT(config.policyLines[i - 1], config.policyLines[i]);
        }
    }
    // Highlighted lines are directives, never comments or blank lines.
    for (const auto& line : linesOf(policyText(config))) {
        EXPECT_EQ(line.find('#'), std::string::npos) << line;
        EXPECT_FALSE(line.empty());
    }
}

TEST_P(HaproxyConfigPolicyTest, LogFormatEmitsTheLblab1Line)
{
    TempFolder dir;
    const GeneratedConfig config = HaproxyConfig::generate(threeBackends(GetParam(), dir.path()));
    EXPECT_NE(config.text.find("log-format \"LBLAB1 %ci %ST %Ta %rc %[var(txn.backend)] %[var(txn.client)] "
                               "%[var(txn.session)] %[var(txn.why)] %[var(txn.key)] %HM %HU\""),
              std::string::npos);
    EXPECT_NE(config.text.find("log 127.0.0.1:18514 len 8192 format raw local0"), std::string::npos);
    EXPECT_NE(config.text.find("http-request set-var(txn.why) str("), std::string::npos)
        << "every policy says why, for the log";
    EXPECT_EQ(config.text.rfind("# Generated by LB Lab for the policy \"" + GetParam() + "\"", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, HaproxyConfigPolicyTest, ::testing::ValuesIn(kPolicies),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

TEST(HaproxyConfigTest, PolicyLinesPointAtThePolicyDirectives)
{
    TempFolder dir;
    const std::vector<std::pair<std::string, std::vector<std::string>>> expected{
        {"round-robin", {"balance roundrobin"}},
        {"weighted-round-robin", {"balance roundrobin", "server s2 127.0.0.1:19002 weight 2 "}},
        {"random", {"balance random(1)"}},
        {"power-of-two", {"balance random(2)"}},
        {"least-connections", {"balance leastconn"}},
        {"ip-hash", {"balance source", "hash-type map-based"}},
        {"url-hash", {"balance uri whole", "hash-type map-based"}},
        {"consistent-hash", {"balance source", "hash-type consistent"}},
        {"geo", {"use_backend be_eu if { var(txn.region) -m str eu } { nbsrv(be_eu) gt 0 }",
                 "use_backend be_us if", "set-var(txn.region) req.hdr(X-Region)"}},
        {"source-ip-affinity", {"stick-table type ip size 100000 expire 300s store http_req_cnt peers lab_peers", "stick on src"}},
        {"cookie-affinity", {"cookie LBLAB_SRV insert indirect nocache", "cookie s1"}},
        {"session-affinity",
         {"stick-table type string len 64", "stick match req.cook(SESSIONID)",
          "stick store-response res.cook(SESSIONID)"}},
        {"url-param-affinity", {"stick match url_param(sid)", "stick store-response res.cook(SESSIONID)"}},
    };
    for (const auto& [policy, directives] : expected) {
        const std::string highlighted = policyText(HaproxyConfig::generate(threeBackends(policy, dir.path())));
        for (const auto& d : directives)
            EXPECT_NE(highlighted.find(d), std::string::npos) << policy << ": \"" << d << "\" not in\n" << highlighted;
    }
}

TEST(HaproxyConfigTest, RoundRobinHighlightsBalanceRoundrobin)
{
    TempFolder dir;
    const GeneratedConfig config = HaproxyConfig::generate(threeBackends("round-robin", dir.path()));
    ASSERT_EQ(config.policyLines.size(), 1u);
    EXPECT_EQ(linesOf(config.text)[static_cast<std::size_t>(config.policyLines[0] - 1)], "    balance roundrobin");
}

TEST(HaproxyConfigTest, OnlyWeightedPoliciesCarryTheWeights)
{
    TempFolder dir;
    EXPECT_NE(HaproxyConfig::generate(threeBackends("weighted-round-robin", dir.path())).text.find("19002 weight 2 "),
              std::string::npos);
    EXPECT_NE(HaproxyConfig::generate(threeBackends("consistent-hash", dir.path())).text.find("19002 weight 2 "),
              std::string::npos);
    EXPECT_NE(HaproxyConfig::generate(threeBackends("round-robin", dir.path())).text.find("19002 weight 1 "),
              std::string::npos);
}

TEST(HaproxyConfigTest, ConsistentHashWithBoundedLoadSetsTheBalanceFactor)
{
    TempFolder dir;
    EngineSetup setup = threeBackends("consistent-hash", dir.path());
    setup.boundedLoad = 1.25;
    const GeneratedConfig config = HaproxyConfig::generate(setup);
    EXPECT_NE(policyText(config).find("hash-balance-factor 125\n"), std::string::npos) << config.text;
    expectHaproxyAccepts(setup, config);

    setup.boundedLoad = 0;
    EXPECT_EQ(HaproxyConfig::generate(setup).text.find("hash-balance-factor"), std::string::npos);
}

TEST(HaproxyConfigTest, ConsistentHashKeysMapToRealDirectives)
{
    TempFolder dir;
    const std::vector<std::pair<std::string, std::string>> keys{
        {"source-ip", "balance source"},
        {"url", "balance uri whole"},
        {"cookie:SESSIONID", "balance hash req.cook(SESSIONID)"},
        {"param:sid", "balance url_param sid"},
    };
    for (const auto& [key, directive] : keys) {
        EngineSetup setup = threeBackends("consistent-hash", dir.path());
        setup.hashKey = key;
        const GeneratedConfig config = HaproxyConfig::generate(setup);
        EXPECT_NE(policyText(config).find(directive), std::string::npos) << key << "\n" << config.text;
        expectHaproxyAccepts(setup, config);
    }
    EngineSetup bad = threeBackends("consistent-hash", dir.path());
    bad.hashKey = "body";
    EXPECT_THROW(HaproxyConfig::generate(bad), std::invalid_argument);
}

TEST(HaproxyConfigTest, PeersSectionOnlyForTablePoliciesWithAPeersPort)
{
    TempFolder dir;
    for (const std::string policy : {"source-ip-affinity", "session-affinity", "url-param-affinity"}) {
        const std::string text = HaproxyConfig::generate(threeBackends(policy, dir.path())).text;
        EXPECT_NE(text.find("peers lab_peers\n    peer lblab 127.0.0.1:18515\n"), std::string::npos) << text;
        EXPECT_NE(text.find("    localpeer lblab\n"), std::string::npos) << text;
        EngineSetup noPeers = threeBackends(policy, dir.path());
        noPeers.peersPort = 0;
        const GeneratedConfig config = HaproxyConfig::generate(noPeers);
        EXPECT_EQ(config.text.find("peers"), std::string::npos) << config.text;
        expectHaproxyAccepts(noPeers, config);
    }
    EXPECT_EQ(HaproxyConfig::generate(threeBackends("cookie-affinity", dir.path())).text.find("peers"),
              std::string::npos);
}

TEST(HaproxyConfigTest, GlobalSectionFollowsTheSetup)
{
    TempFolder dir;
    EngineSetup setup = threeBackends("round-robin", dir.path());
    setup.maxConnections = 1234;
    setup.retries = 2;
    setup.connectTimeoutSeconds = 1.5;
    const std::string text = HaproxyConfig::generate(setup).text;
    EXPECT_NE(text.find("pidfile " + (dir.path() / "engine.pid").string() + "\n"), std::string::npos);
    EXPECT_NE(text.find("stats socket " + (dir.path() / "stats.sock").string() +
                        " mode 600 level admin expose-fd listeners\n"),
              std::string::npos);
    EXPECT_NE(text.find("maxconn 1234\n"), std::string::npos);
    EXPECT_NE(text.find("retries 2\n"), std::string::npos);
    EXPECT_NE(text.find("timeout connect 1500ms\n"), std::string::npos);
    EXPECT_NE(text.find("bind 127.0.0.1:18080\n"), std::string::npos);
    EXPECT_NE(text.find("hard-stop-after 5s\n"), std::string::npos);
    EXPECT_NE(text.find("check inter 500ms rise 2 fall 2"), std::string::npos);
    EXPECT_EQ(text.find("daemon"), std::string::npos);
    EXPECT_EQ(text.find("chroot"), std::string::npos);
}

TEST(HaproxyConfigTest, UnknownPolicyThrowsNamingIt)
{
    TempFolder dir;
    try {
        HaproxyConfig::generate(threeBackends("telepathy", dir.path()));
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("telepathy"), std::string::npos) << e.what();
    }
}

TEST(HaproxyConfigTest, NamesThatWouldBreakTheFileAreRefused)
{
    TempFolder dir;
    EngineSetup setup = threeBackends("round-robin", dir.path());
    setup.backends[0].name = "s1 backup";
    EXPECT_THROW(HaproxyConfig::generate(setup), std::invalid_argument);
    setup = threeBackends("geo", dir.path());
    setup.backends[0].region = "eu\n    server evil";
    EXPECT_THROW(HaproxyConfig::generate(setup), std::invalid_argument);
    setup = threeBackends("cookie-affinity", dir.path());
    setup.cookieName = "a;b";
    EXPECT_THROW(HaproxyConfig::generate(setup), std::invalid_argument);
}

} // namespace
} // namespace lblab
