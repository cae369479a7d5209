#include "ui/main_window.h"

#include "ui/about_dialog.h"
#include "ui/ui_resources.h"

#include "core/policies/policy_catalog.h"
#include "core/preset_catalog.h"
#include "ui/assignment_map.h"
#include "ui/controls_panel.h"
#include "ui/event_log_panel.h"
#include "ui/explain_panel.h"
#include "ui/export_panel.h"
#include "ui/lab_bridge.h"
#include "ui/load_charts.h"
#include "ui/servers_panel.h"
#include "ui/session_table_panel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QIcon>
#include <QMenu>
#include <QMenuBar>
#include <QScrollArea>
#include <QLabel>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

namespace lblab::ui {

namespace {

constexpr double kBaseFontPoints = 12.0; // readable from the back of a classroom

QString runStateText(RunState state)
{
    switch (state) {
    case RunState::Idle: return QObject::tr("idle");
    case RunState::Running: return QObject::tr("running");
    case RunState::Paused: return QObject::tr("paused");
    case RunState::Stopped: return QObject::tr("stopped");
    }
    return {};
}

// Bumped whenever the dock layout changes, so an old saved layout is not restored onto a new one.
constexpr int kLayoutVersion = 2;

QDockWidget* dock(const QString& title, const QString& objectName, QWidget* content, QWidget* parent)
{
    auto* d = new QDockWidget(title, parent);
    d->setObjectName(objectName); // saveState() needs stable names
    d->setWidget(content);
    // A large heading that reads on a projector; it is also the handle to drag the dock by.
    auto* heading = new QLabel(title, d);
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.25);
    f.setBold(true);
    heading->setFont(f);
    heading->setContentsMargins(6, 4, 6, 2);
    d->setTitleBarWidget(heading);
    d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    return d;
}

} // namespace

MainWindow::MainWindow(const LabConfig& preset, bool autoStart, QWidget* parent)
    : QMainWindow(parent), m_initial(preset), m_autoStart(autoStart)
{
    setWindowTitle(tr("LB Lab"));
    // Application-wide, because style-sheeted widgets (the server cards) do not inherit a parent's font.
    QFont base = QApplication::font();
    if (base.pointSizeF() < kBaseFontPoints) {
        base.setPointSizeF(kBaseFontPoints);
        QApplication::setFont(base);
        setFont(base);
    }
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_bridge = new LabBridge(this);
    m_map = new AssignmentMap(this);
    m_controls = new ControlsPanel(this);
    m_servers = new ServersPanel(this);
    m_charts = new LoadCharts(this);
    m_table = new SessionTablePanel(this);
    m_log = new EventLogPanel(this);
    m_explain = new ExplainPanel(this);
    m_export = new ExportPanel(this);

    setCentralWidget(m_map);
    buildDocks();

    ensureResources();
    setWindowIcon(QIcon(QStringLiteral(":/icons/lblab-256.png")));
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LB Lab"), this, [this] {
        AboutDialog about(this);
        about.exec();
    });

    m_statusRun = new QLabel(this);
    m_statusRequests = new QLabel(this);
    m_statusSessions = new QLabel(this);
    m_statusPolicy = new QLabel(this);
    // Permanent, so transient messages (errors, the URL) never hide the run's numbers.
    for (QLabel* l : {m_statusRun, m_statusRequests, m_statusSessions, m_statusPolicy}) {
        l->setContentsMargins(8, 0, 8, 0);
        statusBar()->addPermanentWidget(l);
    }
    m_statusRun->setText(tr("idle"));

    m_controls->setPresets(PresetCatalog::all());
    m_controls->setPolicies(PolicyCatalog::all());
    connectPanels();
    if (!m_controls->selectPreset(QString::fromStdString(preset.preset)))
        m_explain->showPreset(preset);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks()
{
    auto* controlsDock = dock(tr("Controls"), "controlsDock", m_controls, this);
    controlsDock->setTitleBarWidget(new QWidget(controlsDock)); // the controls speak for themselves: save the line
    addDockWidget(Qt::TopDockWidgetArea, controlsDock);
    auto* serversDock = dock(tr("Servers"), "serversDock", m_servers, this);
    addDockWidget(Qt::RightDockWidgetArea, serversDock);
    auto* chartsDock = dock(tr("Load"), "chartsDock", m_charts, this);
    addDockWidget(Qt::BottomDockWidgetArea, chartsDock);
    auto* explainDock = dock(tr("Explain"), "explainDock", m_explain, this);
    auto* tableDock = dock(tr("Session table"), "tableDock", m_table, this);
    auto* logDock = dock(tr("Event log"), "logDock", m_log, this);
    // Scrollable, so the export form never forces the shared right column taller than it needs.
    auto* exportScroll = new QScrollArea(this);
    exportScroll->setWidgetResizable(true);
    exportScroll->setFrameShape(QFrame::NoFrame);
    exportScroll->setWidget(m_export);
    auto* exportDock = dock(tr("Export"), "exportDock", exportScroll, this);
    // Right column: servers above, the explanation and its sibling tabs below; charts span the bottom.
    addDockWidget(Qt::RightDockWidgetArea, explainDock);
    splitDockWidget(serversDock, explainDock, Qt::Vertical);
    tabifyDockWidget(explainDock, tableDock);
    tabifyDockWidget(tableDock, logDock);
    tabifyDockWidget(logDock, exportDock);
    explainDock->raise();
    m_chartsDock = chartsDock;
    m_explainDock = explainDock;
    m_serversDock = serversDock;
}

void MainWindow::applyDefaultDockSizes()
{
    // Sizes only make sense once the window has its geometry; the map keeps the larger share.
    const int column = std::max(440, width() * 3 / 10);
    resizeDocks({m_chartsDock}, {height() * 3 / 10}, Qt::Vertical);
    resizeDocks({m_serversDock, m_explainDock}, {column, column}, Qt::Horizontal);
    // Room for three server cards; the explanation scrolls.
    resizeDocks({m_serversDock, m_explainDock}, {height() * 11 / 25, height() * 6 / 25}, Qt::Vertical);
}

void MainWindow::connectPanels()
{
    LabBridge* b = m_bridge;
    connect(b, &LabBridge::snapshotReady, this, &MainWindow::onSnapshot);
    connect(b, &LabBridge::errorOccurred, this, &MainWindow::onError);
    connect(b, &LabBridge::labStarted, this, [this](const QString& url) {
        m_lastError.clear();
        statusBar()->showMessage(tr("Balancer listening at %1").arg(url), 8000);
    });

    connect(m_controls, &ControlsPanel::startRequested, this, &MainWindow::startConfig);
    connect(m_controls, &ControlsPanel::resetRequested, this, &MainWindow::startConfig);
    connect(m_controls, &ControlsPanel::pauseRequested, b, &LabBridge::pause);
    connect(m_controls, &ControlsPanel::resumeRequested, b, &LabBridge::resume);
    connect(m_controls, &ControlsPanel::stopRequested, b, &LabBridge::stop);
    connect(m_controls, &ControlsPanel::policyRequested, b, &LabBridge::setPolicy);
    connect(m_controls, &ControlsPanel::requestRateChanged, b, &LabBridge::setRequestRate);
    connect(m_controls, &ControlsPanel::changeIpsRequested, b, &LabBridge::changeClientIps);
    connect(m_controls, &ControlsPanel::presetSelected, m_explain, &ExplainPanel::showPreset);

    connect(m_servers, &ServersPanel::killRequested, b, &LabBridge::killServer);
    connect(m_servers, &ServersPanel::restoreRequested, b, &LabBridge::restoreServer);
    connect(m_servers, &ServersPanel::drainRequested, b, &LabBridge::setDraining);
    connect(m_servers, &ServersPanel::weightRequested, b, &LabBridge::setWeight);
    connect(m_servers, &ServersPanel::removeRequested, b, &LabBridge::removeServer);
    connect(m_servers, &ServersPanel::addRequested, b, &LabBridge::addServer);

    connect(m_export, &ExportPanel::exportRunRequested, b, &LabBridge::exportRun);
    connect(b, &LabBridge::exportFinished, m_export, &ExportPanel::showExportResult);
    connect(m_export, &ExportPanel::exportChartsRequested, this, &MainWindow::exportCharts);
}

void MainWindow::startConfig(const LabConfig& config)
{
    m_started = true;
    m_explain->showPreset(config);
    QSettings().setValue("lastPreset", QString::fromStdString(config.preset));
    m_bridge->startPreset(config);
}

void MainWindow::onSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    const Snapshot& s = *snapshot;
    m_map->showSharedSnapshot(snapshot);
    m_controls->showSnapshot(s);
    m_servers->showSnapshot(s);
    m_charts->showSnapshot(s);
    m_table->showSnapshot(s);
    m_log->showSnapshot(s);
    m_explain->showSnapshot(s);
    m_export->showSnapshot(s);

    const double seconds = static_cast<double>(s.tUs) / 1e6;
    m_statusRun->setText(tr("%1  %2 s").arg(runStateText(s.state)).arg(seconds, 0, 'f', 1));
    m_statusRequests->setText(tr("%1 requests, %2 errors").arg(s.totals.requests).arg(s.totals.errors));
    const double missRate = s.totals.sessionRequests
        ? 100.0 * static_cast<double>(s.totals.sessionMisses) / static_cast<double>(s.totals.sessionRequests)
        : 0.0;
    m_statusSessions->setText(tr("session misses %1 (%2 %)").arg(s.totals.sessionMisses).arg(missRate, 0, 'f', 1));
    const PolicyDescriptor* d = PolicyCatalog::find(s.policy);
    m_statusPolicy->setText(tr("Policy: %1 (%2)")
                                .arg(d ? QString::fromStdString(d->name) : QString::fromStdString(s.policy),
                                     s.policyStateful ? tr("stateful") : tr("stateless")));
}

QString MainWindow::statusText() const
{
    return QStringList{m_statusRun->text(), m_statusRequests->text(), m_statusSessions->text(), m_statusPolicy->text()}
        .join(QStringLiteral(" | "));
}

void MainWindow::onError(const QString& message)
{
    m_lastError = message;
    statusBar()->showMessage(tr("Error: %1").arg(message), 15000);
}

void MainWindow::exportCharts(const QString& file)
{
    const bool ok = m_charts->saveImage(file);
    m_export->showExportResult(ok, ok ? tr("Saved the charts to %1").arg(file)
                                      : tr("Could not write %1 (use a .png or .pdf name)").arg(file));
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_sized) {
        m_sized = true;
        if (!m_restoredState)
            QTimer::singleShot(0, this, &MainWindow::applyDefaultDockSizes);
    }
    if (m_autoStart && !m_started) {
        m_started = true;
        // After the window is on screen, so a slow start never delays the first paint.
        QTimer::singleShot(0, this, [this] { startConfig(m_controls->currentConfig()); });
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_bridge->stop();
    QMainWindow::closeEvent(event);
}

QString MainWindow::lastPresetName() { return QSettings().value("lastPreset").toString(); }

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1600, 1000);
    m_restoredState = restoreState(settings.value("window/state").toByteArray(), kLayoutVersion);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kLayoutVersion));
}

} // namespace lblab::ui
