#pragma once

#include "support/wait_for.h"

#include <QApplication>
#include <QCoreApplication>
#include <QEventLoop>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>

namespace lblab::test {

/// The one QApplication of a test binary, made on first use (tests link gtest_main, so there is
/// no main() of our own). Offscreen unless the caller chose a platform.
inline QApplication& qtApp()
{
    static int argc = 1;
    static char name[] = "lblab_ui_test";
    static char* argv[] = {name, nullptr};
    static QApplication* app = [] {
        ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
        // Each test process keeps its settings (the window's last preset, geometry) in its own
        // folder: ctest runs tests in parallel, and one test saving "my-classroom" as the last
        // preset made another read it back. Removed when the process ends.
        static QTemporaryDir configHome;
        if (configHome.isValid())
            ::setenv("XDG_CONFIG_HOME", configHome.path().toLocal8Bit().constData(), 1);
        auto* a = new QApplication(argc, argv);
        QCoreApplication::setOrganizationName("lblab-tests");
        QCoreApplication::setApplicationName("lblab-ui-test");
        return a;
    }();
    return *app;
}

/// Forgets the window's saved geometry and dock layout, so the next MainWindow opens as on a first
/// run (with its default dock sizes): a window an earlier test of this process closed saved its own,
/// and a layout restored at the offscreen screen's 800x600 leaves a narrow right column.
inline void forgetWindowSettings()
{
    QSettings().remove(QStringLiteral("window"));
}

/// Runs the Qt event loop for `pause` (events are handled as they come, nothing spins).
inline void runEventLoopFor(std::chrono::milliseconds pause)
{
    QEventLoop loop;
    QTimer::singleShot(pause, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Processes events until `done()`; returns done(). The shared waitFor() of support/wait_for.h,
/// with the event loop running between two checks. `expectedMs` is how long the test expects it
/// to take on an idle machine; the wait is never shorter than kPatience, since a sanitizer build on
/// two busy cores can be many times slower (a condition that holds returns at once anyway).
inline bool waitUntil(const std::function<bool()>& done, int expectedMs)
{
    return waitFor(done, std::max(std::chrono::milliseconds(expectedMs), kPatience), runEventLoopFor);
}

/// Processes events for `ms` milliseconds.
inline void pumpEvents(int ms)
{
    runEventLoopFor(std::chrono::milliseconds(ms));
}

} // namespace lblab::test
