#pragma once

// A real browser engine for tests: Debian's chromium, headless, driven over the DevTools protocol on
// a pipe (--remote-debugging-pipe: JSON messages ending in a NUL byte on descriptors 3 and 4), so no
// extra client library is needed. Every request it makes to an address other than loopback goes to a
// dead proxy on 127.0.0.1:9: the tests' network rule holds even for the browser's own background calls.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lblab::test {

class HeadlessBrowser {
public:
    /// The chromium program on PATH, "" when there is none (the caller skips).
    static std::string program()
    {
        const char* path = std::getenv("PATH");
        std::string dirs = path ? path : "/usr/bin:/bin";
        for (std::size_t start = 0; start <= dirs.size();) {
            const std::size_t end = std::min(dirs.find(':', start), dirs.size());
            for (const char* name : {"chromium", "chromium-browser"}) {
                const auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
                if (::access(candidate.c_str(), X_OK) == 0)
                    return candidate.string();
            }
            start = end + 1;
        }
        return {};
    }

    /// Starts the browser with its profile in `profileDir` (made if needed); its output goes to `logFile`.
    HeadlessBrowser(const std::string& program, const std::filesystem::path& profileDir, const std::filesystem::path& logFile)
    {
        std::filesystem::create_directories(profileDir);
        int toBrowser[2], fromBrowser[2];
        if (::pipe(toBrowser) != 0 || ::pipe(fromBrowser) != 0)
            return;
        const std::string profile = "--user-data-dir=" + profileDir.string();
        m_pid = ::fork();
        if (m_pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            // Out of the way of 3 and 4 first, then onto them.
            const int in = ::fcntl(toBrowser[0], F_DUPFD, 10), out = ::fcntl(fromBrowser[1], F_DUPFD, 10);
            ::dup2(in, 3);
            ::dup2(out, 4);
            const int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (log >= 0) {
                ::dup2(log, 1);
                ::dup2(log, 2);
            }
            for (int fd = 5; fd < 1024; ++fd)
                ::close(fd);
            std::vector<std::string> args{program, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                                          profile, "--no-first-run", "--no-default-browser-check",
                                          "--disable-background-networking", "--disable-component-update",
                                          "--disable-sync", "--disable-extensions", "--disable-default-apps",
                                          "--metrics-recording-only", "--proxy-server=127.0.0.1:9", "about:blank"};
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(program.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(toBrowser[0]);
        ::close(fromBrowser[1]);
        m_to = toBrowser[1];
        m_from = fromBrowser[0];
    }

    ~HeadlessBrowser()
    {
        if (m_to >= 0) {
            send("Browser.close", nlohmann::json::object(), false);
            ::close(m_to);
        }
        if (m_pid > 0) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            int status = 0;
            while (::waitpid(m_pid, &status, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > until) {
                    ::kill(m_pid, SIGKILL);
                    ::waitpid(m_pid, &status, 0);
                    break;
                }
                pollMessage(std::chrono::milliseconds(50)); // drains what it still says
            }
        }
        if (m_from >= 0)
            ::close(m_from);
    }

    /// Opens a page the size of a phone's screen (`width` x `height` CSS pixels); false on failure.
    bool open(int width, int height)
    {
        const auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
        if (!target || !target->contains("targetId"))
            return false;
        const auto attached = call("Target.attachToTarget", {{"targetId", (*target)["targetId"]}, {"flatten", true}}, false);
        if (!attached || !attached->contains("sessionId"))
            return false;
        m_session = (*attached)["sessionId"].get<std::string>();
        return call("Page.enable", nlohmann::json::object()) &&
               call("Emulation.setDeviceMetricsOverride",
                    {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", true}});
    }

    /// Loads `url` and waits for its load event.
    bool navigate(const std::string& url)
    {
        m_events.clear();
        return call("Page.navigate", {{"url", url}}) && waitForEvent("Page.loadEventFired");
    }

    /// The value of a JavaScript expression in the page (strings, numbers, booleans).
    std::optional<nlohmann::json> evaluate(const std::string& expression)
    {
        const auto r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
        if (!r || !r->contains("result") || r->contains("exceptionDetails"))
            return std::nullopt;
        return (*r)["result"].value("value", nlohmann::json());
    }

    /// The text of the first element `selector` matches ("" when none).
    std::string text(const std::string& selector)
    {
        const auto v = evaluate("(e => e ? e.textContent.trim() : '')(document.querySelector(" +
                                nlohmann::json(selector).dump() + "))");
        return v && v->is_string() ? v->get<std::string>() : std::string();
    }

    /// Clicks the element `selector` matches, as a user's tap does, and waits for the page it leads to.
    bool clickAndWait(const std::string& selector)
    {
        m_events.clear();
        const auto clicked = evaluate("(e => { if (!e) return false; e.click(); return true; })(document.querySelector(" +
                                      nlohmann::json(selector).dump() + "))");
        return clicked && clicked->is_boolean() && clicked->get<bool>() && waitForEvent("Page.loadEventFired");
    }

    /// A PNG of the page as shown.
    std::string screenshotPng()
    {
        const auto r = call("Page.captureScreenshot", {{"format", "png"}});
        return r && r->contains("data") ? base64Decode((*r)["data"].get<std::string>()) : std::string();
    }

private:
    static std::string base64Decode(const std::string& in)
    {
        auto value = [](char c) -> int {
            if (c >= 'A' && c <= 'Z') return c - 'A';
            if (c >= 'a' && c <= 'z') return c - 'a' + 26;
            if (c >= '0' && c <= '9') return c - '0' + 52;
            return c == '+' ? 62 : c == '/' ? 63 : -1;
        };
        std::string out;
        int bits = 0, buffer = 0;
        for (char c : in) {
            const int v = value(c);
            if (v < 0)
                continue;
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
            }
        }
        return out;
    }

    bool send(const std::string& method, const nlohmann::json& params, bool inPage, int* id = nullptr)
    {
        nlohmann::json message{{"id", ++m_nextId}, {"method", method}, {"params", params}};
        if (inPage)
            message["sessionId"] = m_session;
        if (id)
            *id = m_nextId;
        std::string bytes = message.dump();
        bytes.push_back('\0');
        for (std::size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::write(m_to, bytes.data() + done, bytes.size() - done);
            if (n <= 0)
                return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    /// One message from the browser within `timeout`, or nullopt.
    std::optional<nlohmann::json> pollMessage(std::chrono::milliseconds timeout)
    {
        const auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const auto end = m_buffer.find('\0'); end != std::string::npos) {
                std::string one = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 1);
                return nlohmann::json::parse(one, nullptr, false);
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0 || m_from < 0)
                return std::nullopt;
            pollfd p{m_from, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                continue;
            char chunk[65536];
            const ssize_t n = ::read(m_from, chunk, sizeof chunk);
            if (n <= 0)
                return std::nullopt;
            m_buffer.append(chunk, static_cast<std::size_t>(n));
        }
    }

    /// Sends a command and waits for its answer (events meanwhile are kept); nullopt on error or timeout.
    std::optional<nlohmann::json> call(const std::string& method, const nlohmann::json& params, bool inPage = true)
    {
        int id = 0;
        if (m_to < 0 || !send(method, params, inPage, &id))
            return std::nullopt;
        const auto until = std::chrono::steady_clock::now() + kTimeout;
        while (std::chrono::steady_clock::now() < until) {
            auto m = pollMessage(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
            if (!m)
                return std::nullopt;
            if (m->contains("id") && (*m)["id"] == id)
                return m->contains("result") ? std::optional<nlohmann::json>((*m)["result"]) : std::nullopt;
            if (m->contains("method"))
                m_events.push_back(std::move(*m));
        }
        return std::nullopt;
    }

    bool waitForEvent(const std::string& name)
    {
        const auto until = std::chrono::steady_clock::now() + kTimeout;
        for (;;) {
            for (auto it = m_events.begin(); it != m_events.end(); ++it)
                if ((*it)["method"] == name) {
                    m_events.erase(m_events.begin(), it + 1);
                    return true;
                }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            auto m = pollMessage(left);
            if (!m)
                return false;
            if (m->contains("method"))
                m_events.push_back(std::move(*m));
        }
    }

    static constexpr std::chrono::seconds kTimeout{60}; // a cold chromium on a loaded two-core machine
    pid_t m_pid = -1;
    int m_to = -1;
    int m_from = -1;
    int m_nextId = 0;
    std::string m_session;
    std::string m_buffer;
    std::deque<nlohmann::json> m_events;
};

} // namespace lblab::test
