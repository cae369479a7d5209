#pragma once

#include <QApplication>
#include <QDir>
#include <QString>
#include <QWidget>

namespace lblab::test {

/// The one QApplication of a panels test binary, made on first use (gtest_main owns main()).
inline QApplication& panelsQtApp()
{
    static int argc = 1;
    static char name[] = "lblab_panels_test";
    static char* argv[] = {name, nullptr};
    // Never destroyed on purpose: a QApplication torn down by the exit handlers outlives Qt's own
    // globals and crashes the process after every test passed.
    static QApplication* app = new QApplication(argc, argv);
    return *app;
}

/// Lays `widget` out at a realistic size, grabs it and writes build/test-output/panels/<name>.png
/// for a person to look at; returns the image's path ("" on failure).
inline QString savePanelGrab(QWidget& widget, const QString& name, QSize size = QSize(900, 500))
{
    const QString dir = QStringLiteral(LBLAB_TEST_OUTPUT_DIR) + QStringLiteral("/panels");
    if (!QDir().mkpath(dir))
        return {};
    widget.resize(size);
    widget.show();
    QApplication::processEvents();
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    return widget.grab().save(path, "PNG") ? path : QString();
}

} // namespace lblab::test
