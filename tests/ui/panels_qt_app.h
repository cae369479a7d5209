#pragma once

#include <QApplication>

namespace lblab::test {

/// The one QApplication of a panels test binary, made on first use (gtest_main owns main()).
inline QApplication& panelsQtApp()
{
    static int argc = 1;
    static char name[] = "lblab_panels_test";
    static char* argv[] = {name, nullptr};
    static QApplication app(argc, argv);
    return app;
}

} // namespace lblab::test
