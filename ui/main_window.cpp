#include "ui/main_window.h"

#include "ui/about_dialog.h"
#include "ui/replay_window.h"
#include "ui/compare_window.h"
#include "ui/ui_resources.h"

#include "core/policies/policy_catalog.h"
#include "core/preset_catalog.h"
#include "core/scenario_file.h"
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
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QIcon>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QLabel>
#include <QSettings>
#include <QStatusBar>
#include <QSignalBlocker>
#include <QTimer>

#include <algorithm>
#include <filesystem>

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
    buildMenus();

    m_statusRun = new QLabel(this);
    m_statusRequests = new QLabel(this);
    m_statusSessions = new QLabel(this);
    m_statusMoves = new QLabel(this);
    m_statusMoves->setToolTip(tr("Clients that changed server: when the servers or the policy changed (remapped), "
                                 "when their IP changed (affinity breaks), when their pinned server could not "
                                 "serve them (re-pins)"));
    m_statusMoves->hide();
    m_statusPolicy = new QLabel(this);
    // Permanent, so transient messages (errors, the URL) never hide the run's numbers.
    for (QLabel* l : {m_statusRun, m_statusRequests, m_statusSessions, m_statusMoves, m_statusPolicy}) {
        l->setContentsMargins(8, 0, 8, 0);
        statusBar()->addPermanentWidget(l);
    }
    m_statusRun->setText(tr("idle"));

    m_presets = PresetCatalog::all();
    // The configuration the window was opened with (a preset with command-line changes such as
    // --rate or --policy, or a --scenario file) is the picker's entry of that name, so what runs
    // is what was asked for.
    auto same = std::find_if(m_presets.begin(), m_presets.end(),
                             [&](const LabConfig& p) { return p.preset == preset.preset; });
    if (same != m_presets.end())
        *same = preset;
    else if (!preset.preset.empty())
        m_presets.push_back(preset);
    m_controls->setPresets(m_presets);
    m_controls->setPolicies(PolicyCatalog::all());
    connectPanels();
    if (!m_controls->selectPreset(QString::fromStdString(preset.preset)))
        m_explain->showPreset(preset);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open scenario..."), QKeySequence::Open, this, &MainWindow::openScenarioDialog);
    file->addAction(tr("&Save scenario as..."), QKeySequence::SaveAs, this, &MainWindow::saveScenarioDialog);
    file->addSeparator();
    file->addAction(tr("&Compare policies..."), this, &MainWindow::compareDialog);
    file->addAction(tr("Open &recorded run..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a run exported as CSV"));
        if (dir.isEmpty())
            return;
        // A window of its own, so the live lab keeps running beside the replay.
        auto* replay = new ReplayWindow(dir);
        replay->setAttribute(Qt::WA_DeleteOnClose);
        if (!replay->loaded()) {
            QMessageBox::warning(this, tr("Cannot open the run"), replay->error());
            delete replay;
            return;
        }
        replay->resize(1400, 900);
        replay->show();
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LB Lab"), this, [this] {
        AboutDialog about(this);
        about.exec();
    });
}

LabConfig MainWindow::currentSetup() const
{
    LabConfig config = m_controls->currentConfig();
    // The picker follows a timeline's switches too; the bridge's policy is the one the run started
    // with or the user chose since, which is what reopening should start with.
    if (m_bridge->lab() && m_bridge->config().preset == config.preset && !m_bridge->config().policy.empty())
        config.policy = m_bridge->config().policy;
    return config;
}

bool MainWindow::openScenarioFile(const QString& path, QString* error)
{
    LabConfig config;
    try {
        config = ScenarioFile::load(std::filesystem::path(path.toStdString()));
    } catch (const std::exception& e) {
        // Nothing half-loaded: the current run and the picker stay as they were.
        m_lastError = QString::fromStdString(e.what());
        if (error)
            *error = m_lastError;
        statusBar()->showMessage(tr("Error: %1").arg(m_lastError), 15000);
        return false;
    }
    // An opened scenario replaces a picker entry of the same name, so the picker runs what was opened.
    auto same = std::find_if(m_presets.begin(), m_presets.end(),
                             [&](const LabConfig& p) { return p.preset == config.preset; });
    if (same != m_presets.end())
        *same = config;
    else
        m_presets.push_back(config);
    {
        // Refilling the picker must not flash another preset in the Explain panel.
        const QSignalBlocker block(m_controls);
        m_controls->setPresets(m_presets);
    }
    m_controls->selectPreset(QString::fromStdString(config.preset));
    startConfig(config);
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 8000);
    return true;
}

bool MainWindow::saveScenarioFile(const QString& path, QString* error)
{
    try {
        ScenarioFile::save(currentSetup(), std::filesystem::path(path.toStdString()));
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        if (error)
            *error = m_lastError;
        statusBar()->showMessage(tr("Error: %1").arg(m_lastError), 15000);
        return false;
    }
    statusBar()->showMessage(tr("Saved the scenario to %1").arg(path), 8000);
    return true;
}

CompareWindow* MainWindow::openCompareWindow(const QString& policyB)
{
    if (m_compare)
        m_compare->close(); // deletes itself; two comparisons at once would only halve the machine
    const LabConfig config = currentSetup();
    auto* window = new CompareWindow(config, QString::fromStdString(config.policy), policyB, this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    m_compare = window;
    window->show();
    return window;
}

CompareWindow* MainWindow::compareWindow() const { return m_compare.data(); }

void MainWindow::openScenarioDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(),
                                                      tr("Scenario files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openScenarioFile(path, &error))
        QMessageBox::warning(this, tr("Cannot open scenario"),
                             tr("%1 could not be opened; the current run goes on.\n\n%2")
                                 .arg(QFileInfo(path).fileName(), error));
}

void MainWindow::saveScenarioDialog()
{
    const QString suggested = QString::fromStdString(currentSetup().preset) + QStringLiteral(".json");
    QString path = QFileDialog::getSaveFileName(this, tr("Save scenario as"), suggested,
                                                tr("Scenario files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    QString error;
    if (!saveScenarioFile(path, &error))
        QMessageBox::warning(this, tr("Cannot save scenario"),
                             tr("%1 could not be saved.\n\n%2").arg(QFileInfo(path).fileName(), error));
}

void MainWindow::compareDialog()
{
    const QString current = QString::fromStdString(currentSetup().policy);
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Compare policies"));
    auto* picker = new QComboBox(&dialog);
    for (const PolicyDescriptor& d : PolicyCatalog::all())
        picker->addItem(QString::fromStdString(d.name), QString::fromStdString(d.id));
    const QString fallback = current == QStringLiteral("cookie-affinity") ? QStringLiteral("round-robin")
                                                                          : QStringLiteral("cookie-affinity");
    picker->setCurrentIndex(std::max(0, picker->findData(fallback)));
    auto* form = new QFormLayout(&dialog);
    const PolicyDescriptor* d = PolicyCatalog::find(current.toStdString());
    form->addRow(tr("Run the current setup under"),
                 new QLabel(d ? QString::fromStdString(d->name) : current, &dialog));
    form->addRow(tr("side by side with"), picker);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted)
        openCompareWindow(picker->currentData().toString());
}

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
    // What the scale-out, mobile and failover presets are about, visible without opening a panel.
    QStringList moves;
    if (s.totals.remappedClients > 0)
        moves << tr("%1 remapped").arg(s.totals.remappedClients);
    if (s.totals.affinityBreaks > 0)
        moves << tr("%1 affinity breaks").arg(s.totals.affinityBreaks);
    if (s.totals.repins > 0)
        moves << tr("%1 re-pins").arg(s.totals.repins);
    m_statusMoves->setText(moves.isEmpty() ? QString() : tr("moved: %1").arg(moves.join(QStringLiteral(", "))));
    m_statusMoves->setVisible(!moves.isEmpty());
    const PolicyDescriptor* d = PolicyCatalog::find(s.policy);
    m_statusPolicy->setText(tr("Policy: %1 (%2)")
                                .arg(d ? QString::fromStdString(d->name) : QString::fromStdString(s.policy),
                                     s.policyStateful ? tr("stateful") : tr("stateless")));
}

QString MainWindow::statusText() const
{
    QStringList parts{m_statusRun->text(), m_statusRequests->text(), m_statusSessions->text()};
    if (!m_statusMoves->text().isEmpty())
        parts << m_statusMoves->text();
    parts << m_statusPolicy->text();
    return parts.join(QStringLiteral(" | "));
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
    if (m_compare)
        m_compare->close();
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
