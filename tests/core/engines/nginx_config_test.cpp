#include "core/engines/nginx_config.h"

#include "core/engines/engine_catalog.h"

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
        std::string pattern = (fs::temp_directory_path() / "lblab-nginx-cfg-XXXXXX").string();
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

/// Writes the configuration where the engine would and runs `nginx -t` on it.
void expectNginxAccepts(const EngineSetup& setup, const GeneratedConfig& config)
{
    const std::string nginx = programPath("nginx");
    if (nginx.empty())
        GTEST_SKIP() << "nginx is not installed (looked on PATH and in /usr/sbin)";
    const fs::path file = EnginePaths::config(setup, EngineKind::Nginx);
    std::ofstream(file) << config.text;
    // -e (1.19.5+) keeps the checker's own messages off /var/log/nginx.
    const CommandResult r = runCommand("'" + nginx + "' -t -c '" + file.string() + "' -p '" + setup.runDir.string() +
                                       "' -e stderr");
    EXPECT_EQ(r.exitCode, 0) << "nginx -t said:\n" << r.output << "\nfor:\n" << config.text;
}

const std::vector<std::string> kSupported{
    "round-robin", "weighted-round-robin", "random", "least-connections", "power-of-two",
    "ip-hash",     "url-hash",             "geo",    "consistent-hash",
};

const std::vector<std::string> kUnsupported{
    "source-ip-affinity", "session-affinity", "url-param-affinity", "cookie-affinity"};

class NginxConfigPolicyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NginxConfigPolicyTest, NginxAcceptsTheConfiguration)
{
    TempFolder dir;
    const EngineSetup setup = threeBackends(GetParam(), dir.path());
    const GeneratedConfig config = NginxConfig::generate(setup);
    EXPECT_EQ(config.fileName, "nginx.conf");
    expectNginxAccepts(setup, config);
}

TEST_P(NginxConfigPolicyTest, NginxAcceptsItWithADrainingAndADownServer)
{
    TempFolder dir;
    EngineSetup setup = threeBackends(GetParam(), dir.path());
    setup.backends[1].draining = true;
    setup.backends[2].down = true;
    const GeneratedConfig config = NginxConfig::generate(setup);
    EXPECT_NE(config.text.find("fail_timeout=1s down; # s2 (us)"),
              std::string::npos)
        << config.text;
    EXPECT_NE(config.text.find("fail_timeout=1s down; # s3 (eu)"),
              std::string::npos)
        << config.text;
    expectNginxAccepts(setup, config);
}

TEST_P(NginxConfigPolicyTest, PolicyLinesAreAscendingAndInsideTheFile)
{
    TempFolder dir;
    const GeneratedConfig config = NginxConfig::generate(threeBackends(GetParam(), dir.path()));
    const int lineCount = static_cast<int>(linesOf(config.text).size());
    ASSERT_FALSE(config.policyLines.empty());
    for (std::size_t i = 0; i < config.policyLines.size(); ++i) {
        EXPECT_GE(config.policyLines[i], 1);
        EXPECT_LE(config.policyLines[i], lineCount);
        if (i > 0) {
            EXPECT_LT(config.policyLines[i - 1], config.policyLines[i]);
        }
    }
}

TEST_P(NginxConfigPolicyTest, LogFormatEmitsTheLblab1Line)
{
    TempFolder dir;
    const GeneratedConfig config = NginxConfig::generate(threeBackends(GetParam(), dir.path()));
    EXPECT_NE(config.text.find("log_format lblab 'LBLAB1 $remote_addr $status $request_time $lblab_retries "
                               "$lblab_backend $lblab_client $lblab_session $lblab_why "),
              std::string::npos)
        << config.text;
    EXPECT_NE(config.text.find(" $request_method $request_uri';"), std::string::npos);
    EXPECT_NE(config.text.find("access_log syslog:server=127.0.0.1:18514,tag=lblab,nohostname lblab;"),
              std::string::npos);
    EXPECT_EQ(config.text.rfind("# Generated by LB Lab for the policy \"" + GetParam() + "\"", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(EverySupportedPolicy, NginxConfigPolicyTest, ::testing::ValuesIn(kSupported),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

TEST(NginxConfigTest, PolicyLinesPointAtThePolicyDirectives)
{
    TempFolder dir;
    const std::vector<std::pair<std::string, std::vector<std::string>>> expected{
        {"round-robin", {"upstream lab {"}},
        {"weighted-round-robin", {"server 127.0.0.1:19002 weight=2 "}},
        {"random", {"random;"}},
        {"power-of-two", {"random two least_conn;"}},
        {"least-connections", {"least_conn;"}},
        {"ip-hash", {"hash $remote_addr;"}},
        {"url-hash", {"hash $request_uri;"}},
        {"consistent-hash", {"hash $remote_addr consistent;"}},
        {"geo", {"map \"$http_x_region|$arg_loc|$arg_region\" $lblab_upstream {", "\"~*^eu[|]\" lab_eu;",
                 "proxy_pass http://$lblab_upstream;", " backup; # s2 (us)"}},
    };
    for (const auto& [policy, directives] : expected) {
        const std::string highlighted = policyText(NginxConfig::generate(threeBackends(policy, dir.path())));
        for (const auto& d : directives)
            EXPECT_NE(highlighted.find(d), std::string::npos) << policy << ": \"" << d << "\" not in\n" << highlighted;
    }
}

TEST(NginxConfigTest, IpHashUsesTheFullAddressNotIpHash)
{
    TempFolder dir;
    const GeneratedConfig config = NginxConfig::generate(threeBackends("ip-hash", dir.path()));
    EXPECT_EQ(config.text.find("ip_hash;"), std::string::npos);
    EXPECT_NE(config.text.find("        hash $remote_addr;\n"), std::string::npos);
}

TEST(NginxConfigTest, ConsistentHashKeysMapToVariables)
{
    TempFolder dir;
    const std::vector<std::pair<std::string, std::string>> keys{
        {"source-ip", "hash $remote_addr consistent;"},
        {"url", "hash $request_uri consistent;"},
        {"cookie:SESSIONID", "hash $cookie_SESSIONID consistent;"},
        {"param:sid", "hash $arg_sid consistent;"},
    };
    for (const auto& [key, directive] : keys) {
        EngineSetup setup = threeBackends("consistent-hash", dir.path());
        setup.hashKey = key;
        setup.boundedLoad = 1.25; // NGINX open source has no bounded load: accepted and ignored
        const GeneratedConfig config = NginxConfig::generate(setup);
        EXPECT_NE(policyText(config).find(directive), std::string::npos) << key << "\n" << config.text;
        expectNginxAccepts(setup, config);
    }
    EngineSetup bad = threeBackends("consistent-hash", dir.path());
    bad.hashKey = "cookie:my-cookie"; // a '-' cannot be part of an NGINX variable name
    EXPECT_THROW(NginxConfig::generate(bad), std::invalid_argument);
}

TEST(NginxConfigTest, UnsupportedPoliciesThrowWithTheCatalogsReason)
{
    TempFolder dir;
    for (const auto& policy : kUnsupported) {
        const EngineSupport support = EngineCatalog::support(EngineKind::Nginx, policy);
        ASSERT_FALSE(support.supported) << policy;
        try {
            NginxConfig::generate(threeBackends(policy, dir.path()));
            ADD_FAILURE() << policy << ": no exception";
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()), support.reason) << policy;
        }
    }
    try {
        NginxConfig::generate(threeBackends("telepathy", dir.path()));
        ADD_FAILURE() << "no exception for an unknown policy";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("telepathy"), std::string::npos) << e.what();
    }
}

TEST(NginxConfigTest, TopLevelFollowsTheSetupAndKeepsEverythingInTheRunFolder)
{
    TempFolder dir;
    EngineSetup setup = threeBackends("round-robin", dir.path());
    setup.maxConnections = 1234;
    setup.retries = 2;
    setup.serverTimeoutSeconds = 2.5;
    const std::string text = NginxConfig::generate(setup).text;
    for (const char* line : {"daemon off;\n", "master_process on;\n", "worker_processes 1;\n", "error_log stderr warn;\n",
                             "    worker_connections 1234;\n", "            proxy_next_upstream_tries 3;\n",
                             "            proxy_read_timeout 2500ms;\n", "        listen 127.0.0.1:18080;\n",
                             "        keepalive 32;\n", "            proxy_set_header Connection \"\";\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line;
    EXPECT_NE(text.find("pid " + (dir.path() / "engine.pid").string() + ";\n"), std::string::npos);
    for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        EXPECT_NE(text.find(std::string(kind) + "_temp_path " + dir.path().string() + "/"), std::string::npos) << kind;
    EXPECT_EQ(text.find("\nuser "), std::string::npos);
    // Retries: up to proxy_next_upstream_tries addresses, so counts 0, 1 and 2.
    EXPECT_NE(text.find("\"~^[^,]+,[^,]+,[^,]+$\" 2;"), std::string::npos) << text;
}

TEST(NginxConfigTest, NamesThatWouldBreakTheFileAreRefused)
{
    TempFolder dir;
    EngineSetup setup = threeBackends("round-robin", dir.path());
    setup.backends[0].name = "s1;";
    EXPECT_THROW(NginxConfig::generate(setup), std::invalid_argument);
    setup = threeBackends("geo", dir.path());
    setup.backends[0].region = "eu\"";
    EXPECT_THROW(NginxConfig::generate(setup), std::invalid_argument);
}

} // namespace
} // namespace lblab
