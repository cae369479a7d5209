#pragma once

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

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

/// Processes events until `done()` or `timeoutMs` passed; returns done().
inline bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

/// Processes events for `ms` milliseconds.
inline void pumpEvents(int ms)
{
    waitUntil([] { return false; }, ms);
}

} // namespace lblab::test
