#include "app/gui_run.h"

#include "app/headless_run.h"
#include "app/run_report.h"
#include "core/lab/lab.h"
#include "core/config/preset_catalog.h"
#include "ui/lab_bridge.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTimer>

#include <iostream>

namespace lblab {

namespace {

// How long a --quit-after run may take to start (its lab's clock begins then) before it counts as failed.
constexpr qint64 kStartGraceMs = 30'000;
constexpr int kPollMs = 50;

} // namespace

int runGui(int argc, char** argv, const CommandLine& commandLine)
{
    if (commandLine.exportDir) {
        if (auto problem = HeadlessRun::exportDirProblem(*commandLine.exportDir); !problem.empty()) {
            std::cerr << "lblab: " << problem << '\n';
            return 2;
        }
    }
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName("lblab");
    QCoreApplication::setApplicationName("LB Lab");
    QGuiApplication::setDesktopFileName("io.github.lblab.LBLab");

    LabConfig start = commandLine.config;
    if (!commandLine.presetChosen) {
        const QString last = ui::MainWindow::lastPresetName();
        if (const LabConfig* preset = last.isEmpty() ? nullptr : PresetCatalog::find(last.toStdString()))
            start = *preset;
    }
    ui::MainWindow window(start);
    int status = 0;
    bool shotTaken = false;
    const auto takeScreenshot = [&] {
        if (!commandLine.screenshot || shotTaken)
            return;
        shotTaken = true;
        if (!window.grab().save(QString::fromStdString(*commandLine.screenshot), "PNG")) {
            std::cerr << "lblab: cannot write the screenshot " << *commandLine.screenshot << '\n';
            status = 1;
        }
    };
    // Closed by hand: the picture still shows the window as the run ended.
    QObject::connect(&window, &ui::MainWindow::aboutToClose, &window, takeScreenshot);

    QTimer quitTimer;
    QElapsedTimer wall;
    bool finished = false;
    if (commandLine.quitAfter) {
        const double seconds = *commandLine.quitAfter;
        // `seconds` by value: the lambda runs long after this block has ended (ASan found it).
        QObject::connect(&quitTimer, &QTimer::timeout, &window, [&, seconds] {
            const Lab* lab = window.bridge()->lab();
            const bool due = lab && lab->elapsedSeconds() >= seconds;
            if (!due && wall.elapsed() < kStartGraceMs + static_cast<qint64>(seconds * 1000))
                return;
            quitTimer.stop();
            finished = true;
            takeScreenshot(); // while the run is on screen, before it stops
            window.close();   // stops the lab
            if (!lab) {
                std::cerr << "lblab: the run did not start: " << window.lastError().toStdString() << '\n';
                status = 1;
            }
        });
        wall.start();
        quitTimer.start(kPollMs);
    }
    window.show();
    const int appStatus = app.exec();
    if (finished || commandLine.json || commandLine.exportDir) {
        if (const Lab* lab = window.bridge()->lab(); lab && status == 0)
            status = reportRun(*lab, commandLine, !finished, std::cout, std::cerr);
    }
    return status != 0 ? status : appStatus;
}

} // namespace lblab
