#pragma once

// The one way a test waits: on a condition, polled every few milliseconds, with a generous upper
// bound. The suite runs in parallel under sanitizers on two cores, so a test never sleeps a fixed
// time hoping that something has happened by then, and never asserts that something was fast.

#include <chrono>
#include <functional>
#include <thread>

namespace lblab::test {

/// How long a test waits for something that must happen: generous, since a sanitizer build on a
/// loaded two-core machine can be twenty times slower than a release build on an idle one.
inline constexpr std::chrono::milliseconds kPatience{20'000};

/// How often a condition is checked.
inline constexpr std::chrono::milliseconds kPollEvery{5};

/// Checks `condition` every few milliseconds until it holds or `timeout` passed; returns whether it
/// held. `betweenPolls` runs instead of the plain pause between two checks (the UI tests process
/// Qt events there); it is given the time left before the next check.
inline bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = kPatience,
                    const std::function<void(std::chrono::milliseconds)>& betweenPolls = {})
{
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition())
            return true;
        if (std::chrono::steady_clock::now() >= until)
            return condition();
        if (betweenPolls)
            betweenPolls(kPollEvery);
        else
            std::this_thread::sleep_for(kPollEvery); // the one polling pause of the test suite
    }
}

/// Gives `condition` (something that must NOT happen) `window` to happen; true if it stayed false
/// all along. A check that nothing happens needs some time to pass: this waits for the unwanted
/// event itself, so a failure shows as soon as it occurs.
inline bool staysFalse(const std::function<bool()>& condition, std::chrono::milliseconds window,
                       const std::function<void(std::chrono::milliseconds)>& betweenPolls = {})
{
    return !waitFor(condition, window, betweenPolls);
}

/// The time from `start` until now.
inline std::chrono::duration<double> elapsedSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::steady_clock::now() - start;
}

} // namespace lblab::test

/// Waits (at most lblab::test::kPatience) until `condition` holds; fails the test with its text if not.
#define ASSERT_EVENTUALLY(condition)                                                                    \
    ASSERT_TRUE(::lblab::test::waitFor([&] { return static_cast<bool>(condition); }))                   \
        << "still false after " << ::lblab::test::kPatience.count() << " ms: " #condition
/// As ASSERT_EVENTUALLY, but the test goes on if it fails.
#define EXPECT_EVENTUALLY(condition)                                                                    \
    EXPECT_TRUE(::lblab::test::waitFor([&] { return static_cast<bool>(condition); }))                   \
        << "still false after " << ::lblab::test::kPatience.count() << " ms: " #condition
