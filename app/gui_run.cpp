#include "app/gui_run.h"

#include "core/preset_catalog.h"
#include "ui/main_window.h"

#include <QApplication>

namespace lblab {

int runGui(int argc, char** argv, const LabConfig& config, bool presetChosen)
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName("lblab");
    QCoreApplication::setApplicationName("LB Lab");
    QGuiApplication::setDesktopFileName("io.github.lblab.LBLab");

    LabConfig start = config;
    if (!presetChosen) {
        const QString last = ui::MainWindow::lastPresetName();
        if (const LabConfig* preset = last.isEmpty() ? nullptr : PresetCatalog::find(last.toStdString()))
            start = *preset;
    }
    ui::MainWindow window(start);
    window.show();
    return app.exec();
}

} // namespace lblab
