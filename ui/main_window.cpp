#include "ui/main_window.h"

#include "core/policies/policy_catalog.h"
#include "core/config/preset_catalog.h"
#include "core/config/scenario_file.h"
#include "core/lab/lab.h"
#include "core/config/setup_changes.h"
#include "core/engines/engine_catalog.h"
#include "ui/about_dialog.h"
#include "ui/assignment_map.h"
#include "ui/client_story_panel.h"
#include "ui/compare_window.h"
#include "ui/config_panel.h"
#include "ui/controls_panel.h"
#include "ui/dock_sizes.h"
#include "ui/dock_title_bar.h"
#include "ui/event_log_panel.h"
#include "ui/explain_panel.h"
#include "ui/export_panel.h"
#include "ui/font_scale.h"
#include "ui/lab_bridge.h"
#include "ui/load_charts.h"
#include "ui/map_panel.h"
#include "ui/pace_controls.h"
#include "ui/network_join.h"
#include "ui/panel_zoom.h"
#include "ui/replay_window.h"
#include "ui/servers_panel.h"
#include "ui/pin_table_panel.h"
#include "ui/shortcut_catalog.h"
#include "ui/space_key_filter.h"
#include "ui/status_line.h"
#include "ui/ui_resources.h"
#include "ui/window_size.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QScreen>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>
#include <filesystem>

namespace lblab::ui {

namespace {

constexpr double kBaseFontPoints = 12.0;    // readable from the back of a classroom
constexpr double kPresentationScale = 1.3;  // on top of the user's scale, for a projector
constexpr int kErrorMs = 20000;
constexpr int kMessageMs = 8000;

// Bumped whenever the dock layout changes, so an old saved layout is not restored onto a new one.
constexpr int kLayoutVersion = 4;

QStringList toQt(const std::vector<std::string>& words)
{
    QStringList out;
    for (const std::string& w : words)
        out << QString::fromStdString(w);
    return out;
}

} // namespace

MainWindow::MainWindow(const LabConfig& config, bool autoStart, QWidget* parent)
    : QMainWindow(parent), m_initial(config), m_autoStart(autoStart)
{
    setWindowTitle(tr("LB Lab"));
    // Application-wide, because style-sheeted widgets (the server cards) do not inherit a parent's font.
    const double base = std::max(kBaseFontPoints, QApplication::font().pointSizeF());
    m_fontScale = new FontScale(base, this);
    m_fontScale->setScale(1.0);
    // Before the event loop runs Qt does not pass a new application font to existing widgets: resolve
    // this window's font now, with nothing set explicitly, so it and its panels follow every later change.
    setFont(QFont());
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_bridge = new LabBridge(this);
    m_join = new NetworkJoin(m_bridge, config, this);
    m_map = new AssignmentMap(this);
    m_controls = new ControlsPanel(this);
    m_servers = new ServersPanel(this);
    m_charts = new LoadCharts(this);
    m_table = new PinTablePanel(this);
    m_log = new EventLogPanel(this);
    m_explain = new ExplainPanel(this);
    m_story = new ClientStoryPanel(this);
    m_export = new ExportPanel(this);
    m_config = new ConfigPanel(this);
    m_status = new StatusLine(this);
    statusBar()->addWidget(m_status, 1);

    m_centre = new QStackedWidget(this);
    m_mapPanel = new MapPanel(m_map, this); // the map, or the flow view (F)
    m_centre->addWidget(m_mapPanel);
    setCentralWidget(m_centre);
    buildDocks();

    ensureResources();
    setWindowIcon(QIcon(QStringLiteral(":/icons/lblab-256.png")));
    buildMenus();
    qApp->installEventFilter(new SpaceKeyFilter(this));

    m_presets = PresetCatalog::all();
    // A catalog preset keeps its entry as shipped, so Reset means the preset; the command line's
    // changes to it become the user's changes. Anything else (a --scenario file, outside backends,
    // a fixed --listen address) is its own entry: what runs is what was asked for.
    auto same = std::find_if(m_presets.begin(), m_presets.end(),
                             [&](const LabConfig& p) { return p.preset == config.preset; });
    LabConfig entry = config;
    if (same != m_presets.end()) {
        entry.policy = same->policy;
        entry.requestRate = same->requestRate;
        entry.seed = same->seed;
        entry.policyOptions.seed = same->policyOptions.seed;
        entry.clients = same->clients;
        entry.engine = same->engine; // --engine is the user's change, as --policy is
        entry.sessionStore = same->sessionStore; // and so is --session-store
        entry.timeline = same->timeline;         // with the kill-store steps --session-store may drop
        *same = entry;
    } else if (!config.preset.empty()) {
        m_presets.push_back(entry);
    }
    m_controls->setPresets(m_presets);
    m_controls->setPolicies(PolicyCatalog::all());
    connectPanels();
    if (!m_controls->selectPreset(QString::fromStdString(config.preset)))
        m_explain->showPreset(config);
    else
        m_controls->applyUserValues(config);
    m_controls->showModified(setupChanges());
    restoreSettings();
}

MainWindow::~MainWindow()
{
    // The panels go before the filter's parent; uninstall it first so no event reaches a dead one.
    for (auto* filter : findChildren<SpaceKeyFilter*>())
        qApp->removeEventFilter(filter);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open scenario..."), QKeySequence::Open, this, &MainWindow::openScenarioDialog);
    file->addAction(tr("&Save scenario as..."), QKeySequence::SaveAs, this, &MainWindow::saveScenarioDialog);
    file->addSeparator();
    file->addAction(tr("&Compare policies..."), this, &MainWindow::compareDialog);
    file->addAction(tr("Open &recorded run..."), this, &MainWindow::openRecordedRunDialog);
    file->addSeparator();
    file->addAction(m_join->action());
    menuBar()->setCornerWidget(m_join->indicator(), Qt::TopRightCorner); // says the lab is open, and where
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    buildViewMenu();
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), ShortcutCatalog::help(), this, &MainWindow::showShortcuts);
    help->addAction(tr("&About LB Lab"), this, [this] {
        AboutDialog about(this);
        about.exec();
    });
}

void MainWindow::buildViewMenu()
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_presentAction = view->addAction(tr("&Presentation mode"));
    m_presentAction->setCheckable(true);
    m_presentAction->setShortcut(ShortcutCatalog::presentationMode());
    m_presentAction->setToolTip(tr("Full screen with larger text, for a projector"));
    connect(m_presentAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    view->addSeparator();
    QAction* larger = view->addAction(tr("&Larger text"), m_fontScale, &FontScale::zoomIn);
    larger->setShortcuts(ShortcutCatalog::zoomIn());
    view->addAction(tr("&Smaller text"), ShortcutCatalog::zoomOut(), m_fontScale, &FontScale::zoomOut);
    view->addAction(tr("&Normal text size"), ShortcutCatalog::zoomReset(), m_fontScale, &FontScale::reset);
    view->addSeparator();
    QMenu* enlarge = view->addMenu(tr("&Enlarge panel"));
    const QList<QString> panels = ShortcutCatalog::enlargeablePanels();
    for (int i = 0; i < panels.size(); ++i)
        enlarge->addAction(panels[i], ShortcutCatalog::enlargePanel(i), this, [this, i] { togglePanel(i); });
    // Esc: first an enlarged panel comes back, then presentation mode ends.
    auto* escape = new QShortcut(ShortcutCatalog::leaveEnlarged(), this);
    connect(escape, &QShortcut::activated, this, [this] {
        if (!m_zoom->restore() && m_presenting)
            setPresentationMode(false);
    });
    connect(m_fontScale, &FontScale::scaleChanged, m_charts, &LoadCharts::setFontScale);
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == m_presenting)
        return;
    m_presenting = on;
    {
        const QSignalBlocker block(m_presentAction);
        m_presentAction->setChecked(on);
    }
    if (on) {
        m_wasMaximized = isMaximized();
        m_scaleBeforePresenting = m_fontScale->scale();
        // Larger text, as long as the window still fits the screen (less on a 1280x800 projector).
        const QSize screenSize = screen() ? screen()->geometry().size() : QSize();
        m_fontScale->setScale(m_scaleBeforePresenting *
                              WindowSize::presentationFactor(kPresentationScale, minimumSizeHint(), screenSize));
        showFullScreen();
        showMessage(tr("Presentation mode: F11 or Esc to leave; Ctrl+= / Ctrl+- change the text size"), kMessageMs);
    } else {
        m_fontScale->setScale(m_scaleBeforePresenting);
        if (m_wasMaximized)
            showMaximized();
        else
            showNormal();
    }
}

void MainWindow::togglePanel(int ordinal)
{
    // An enlarge remembers the layout to come back to: it must be the sized one, even when the
    // shortcut comes before the first show's deferred sizing.
    applyDefaultDockSizes();
    m_zoom->toggle(ordinal);
}

int MainWindow::enlargedPanel() const { return m_zoom->enlarged(); }

void MainWindow::showShortcuts()
{
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Keyboard shortcuts"));
    auto* text = new QTextBrowser(dialog);
    text->setHtml(ShortcutCatalog::html());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(760, 620);
    dialog->setObjectName("shortcutsDialog");
    dialog->show();
}

LabConfig MainWindow::currentSetup() const
{
    LabConfig config = m_controls->currentConfig();
    // Servers the user added, removed or reweighted live belong to the setup; the lab knows them.
    if (const Lab* lab = m_bridge->lab(); lab && lab->config().preset == config.preset)
        config.servers = lab->userSetup().servers;
    return config;
}

QStringList MainWindow::setupChanges() const
{
    const LabConfig preset = m_controls->presetConfig();
    const LabConfig setup = currentSetup();
    QStringList changes = toQt(lblab::setupChanges(preset, setup));
    if (setup.sessionStore != preset.sessionStore && !changes.contains(QStringLiteral("sessions")))
        changes.prepend(QStringLiteral("sessions"));
    if (setup.engine != preset.engine && !changes.contains(QStringLiteral("engine")))
        changes.prepend(QStringLiteral("engine"));
    return changes;
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
        m_status->showMessage(tr("Error: %1").arg(m_lastError), kErrorMs, true);
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
    showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), kMessageMs);
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
        m_status->showMessage(tr("Error: %1").arg(m_lastError), kErrorMs, true);
        return false;
    }
    showMessage(tr("Saved the scenario to %1").arg(path), kMessageMs);
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

void MainWindow::openRecordedRunDialog()
{
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

QDockWidget* MainWindow::addPanelDock(const QString& title, const QString& name, QWidget* content)
{
    auto* d = new QDockWidget(title, this);
    d->setObjectName(name); // saveState() needs stable names
    d->setWidget(content);
    d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_zoom->addDock(d);
    const int ordinal = static_cast<int>(m_zoom->docks().size());
    auto* bar = new DockTitleBar(title, ShortcutCatalog::enlargePanel(ordinal).toString(QKeySequence::NativeText), d);
    d->setTitleBarWidget(bar);
    connect(bar, &DockTitleBar::enlargeToggled, this, [this, d] { m_zoom->toggleDock(d); });
    connect(m_zoom, &PanelZoom::changed, bar, [bar, ordinal](int enlarged) { bar->setEnlarged(enlarged == ordinal); });
    return d;
}

void MainWindow::buildDocks()
{
    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName("controlsDock");
    m_controlsDock->setWidget(m_controls);
    m_controlsDock->setFeatures(QDockWidget::NoDockWidgetFeatures);
    m_controlsDock->setTitleBarWidget(new QWidget(m_controlsDock)); // the controls speak for themselves
    addDockWidget(Qt::TopDockWidgetArea, m_controlsDock);
    m_zoom = new PanelZoom(this, m_centre, m_controlsDock);

    // The order is the enlarge order (Alt+1 is the map): ShortcutCatalog::enlargeablePanels().
    m_serversDock = addPanelDock(tr("Servers"), "serversDock", m_servers);
    m_chartsDock = addPanelDock(tr("Load"), "chartsDock", m_charts);
    m_explainDock = addPanelDock(tr("Explain"), "explainDock", m_explain);
    auto* storyDock = addPanelDock(tr("Client"), "storyDock", m_story);
    auto* tableDock = addPanelDock(tr("Session table"), "tableDock", m_table);
    auto* logDock = addPanelDock(tr("Event log"), "logDock", m_log);
    // Scrollable, so the export form never forces the shared right column taller than it needs.
    auto* exportScroll = new QScrollArea(this);
    exportScroll->setWidgetResizable(true);
    exportScroll->setFrameShape(QFrame::NoFrame);
    exportScroll->setWidget(m_export);
    auto* exportDock = addPanelDock(tr("Export"), "exportDock", exportScroll);
    // Scrollable too: the file, its title and buttons must not make the shared column taller.
    auto* configScroll = new QScrollArea(this);
    configScroll->setWidgetResizable(true);
    configScroll->setFrameShape(QFrame::NoFrame);
    configScroll->setWidget(m_config);
    auto* configDock = addPanelDock(tr("Config"), "configDock", configScroll);
    addDockWidget(Qt::RightDockWidgetArea, m_serversDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_chartsDock);
    // Right column: servers above, the explanation and its sibling tabs below; charts span the bottom.
    addDockWidget(Qt::RightDockWidgetArea, m_explainDock);
    splitDockWidget(m_serversDock, m_explainDock, Qt::Vertical);
    tabifyDockWidget(m_explainDock, storyDock);
    tabifyDockWidget(storyDock, tableDock);
    tabifyDockWidget(tableDock, logDock);
    tabifyDockWidget(logDock, exportDock);
    tabifyDockWidget(exportDock, configDock);
    m_explainDock->raise();
}

void MainWindow::applyDefaultDockSizes()
{
    if (!m_defaultSizesPending)
        return;
    m_defaultSizesPending = false;
    // Sizes only make sense once the window has its geometry; the map keeps the larger share.
    const int title = m_serversDock->titleBarWidget()->sizeHint().height();
    const SessionStoreKind store = m_controls->currentSessionStore();
    DockSizes::apply(this, m_chartsDock, m_serversDock, m_explainDock,
                     {[=, this](int cards, bool add, int width) { return title + m_servers->heightFor(cards, width, store, add); },
                      [=, this](int rows) { return title + m_table->heightForRows(rows); }});
}

void MainWindow::connectPanels()
{
    LabBridge* b = m_bridge;
    connect(b, &LabBridge::snapshotReady, this, &MainWindow::onSnapshot);
    connect(b, &LabBridge::errorOccurred, this, &MainWindow::onError);
    connect(b, &LabBridge::labStarted, this, &MainWindow::onLabStarted);
    connect(b, &LabBridge::engineFailed, this, &MainWindow::onEngineFailed);
    connect(m_join, &NetworkJoin::restartRequested, this, [this] { startConfig(currentSetup()); });

    connect(m_controls, &ControlsPanel::startRequested, this, &MainWindow::startConfig);
    connect(m_controls, &ControlsPanel::resetRequested, this, &MainWindow::startConfig);
    connect(m_controls, &ControlsPanel::pauseRequested, b, &LabBridge::pause);
    connect(m_controls, &ControlsPanel::resumeRequested, b, &LabBridge::resume);
    connect(m_controls, &ControlsPanel::stopRequested, b, &LabBridge::stop);
    connect(m_controls, &ControlsPanel::policyRequested, b, &LabBridge::setPolicy);
    connect(m_controls, &ControlsPanel::requestRateChanged, b, &LabBridge::setRequestRate);
    connect(m_controls, &ControlsPanel::changeIpsRequested, b, &LabBridge::changeClientIps);
    connect(m_controls->pace(), &PaceControls::speedChosen, b, &LabBridge::setSpeed);
    connect(m_controls->pace(), &PaceControls::stepRequested, b, &LabBridge::step);
    connect(m_controls->pace(), &PaceControls::stepRequested, m_mapPanel, &MapPanel::showFlow);
    connect(m_controls->pace(), &PaceControls::runRequested, b, [b] { b->setStepping(false); });
    connect(m_controls, &ControlsPanel::presetSelected, m_explain, &ExplainPanel::showPreset);
    connect(m_controls, &ControlsPanel::inputCorrected, this, [this](const QString& m) { showMessage(m, kErrorMs); });
    connect(m_controls, &ControlsPanel::policyFellBack, this, [this](const QString& m) {
        m_notesForNextRun << m; // in the event log of the run it restarts
        showMessage(m, kErrorMs);
    });
    connect(m_config, &ConfigPanel::saveFinished, this, [this](bool ok, const QString& m) {
        m_status->showMessage(m, ok ? kMessageMs : kErrorMs, !ok);
    });

    connect(m_servers, &ServersPanel::killRequested, b, &LabBridge::killServer);
    connect(m_servers, &ServersPanel::restoreRequested, b, &LabBridge::restoreServer);
    connect(m_servers, &ServersPanel::drainRequested, b, &LabBridge::setDraining);
    connect(m_servers, &ServersPanel::weightRequested, b, &LabBridge::setWeight);
    connect(m_servers, &ServersPanel::removeRequested, b, &LabBridge::removeServer);
    connect(m_servers, &ServersPanel::addRequested, b, &LabBridge::addServer);
    connect(m_servers, &ServersPanel::storeKillRequested, b, &LabBridge::killStore);
    connect(m_servers, &ServersPanel::storeRestoreRequested, b, &LabBridge::restoreStore);
    connect(m_servers, &ServersPanel::inputCorrected, this, [this](const QString& m) { showMessage(m, kErrorMs); });

    connect(m_map, &AssignmentMap::clientSelected, this, [this](const QString& id) {
        m_followed = id.toStdString();
        if (Lab* lab = m_bridge->lab())
            lab->followClient(m_followed);
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("storyDock")); dock && !id.isEmpty())
            dock->raise(); // the Client tab comes to the front
    });

    connect(m_export, &ExportPanel::exportRunRequested, b, &LabBridge::exportRun);
    connect(b, &LabBridge::exportFinished, m_export, &ExportPanel::showExportResult);
    connect(m_export, &ExportPanel::exportChartsRequested, this, &MainWindow::exportCharts);
}

void MainWindow::startConfig(const LabConfig& config)
{
    m_started = true;
    m_explain->showPreset(config);
    QSettings().setValue("lastPreset", QString::fromStdString(config.preset));
    if (config.engine != EngineKind::Builtin)
        showMessage(tr("Starting %1...").arg(QString::fromStdString(std::string(EngineCatalog::displayName(config.engine)))),
                    kMessageMs);
    else if (config.sessionStore == SessionStoreKind::Shared)
        showMessage(tr("Starting Redis..."), kMessageMs);
    // The builtin proxy starts here in milliseconds; HAProxy, NGINX and Redis start on the bridge's worker.
    m_bridge->startPreset(m_join->prepare(config)); // on loopback, or on all interfaces when devices may join
    m_controls->showModified(setupChanges());
}

void MainWindow::onLabStarted(const QString& url)
{
    m_lastError.clear();
    Lab* lab = m_bridge->lab();
    // A restarted run has the same client ids: keep following the one the user chose.
    m_followed = m_map->selectedClient().toStdString();
    if (lab && !m_followed.empty())
        lab->followClient(m_followed);
    const QStringList notes = std::exchange(m_notesForNextRun, {});
    for (const QString& note : notes)
        if (lab)
            lab->note(note.toStdString());
    const LabConfig& config = m_bridge->config();
    m_explain->setEngine(config.engine);
    m_config->setRun(config.engine, QString::fromStdString(config.policy), [bridge = m_bridge](EngineKind engine) {
        const Lab* running = bridge->lab();
        return running ? running->engineConfiguration(engine) : GeneratedConfig{};
    });
    if (notes.isEmpty()) // else the status line keeps saying why this run differs from what was asked
        showMessage(tr("Balancer listening at %1").arg(url), kMessageMs);
}

void MainWindow::onEngineFailed(const LabConfig& config, const QString& message)
{
    // The window stays usable: the same setup runs on the builtin proxy, and the event log says why.
    const QString engine = QString::fromStdString(std::string(EngineCatalog::displayName(config.engine)));
    const QString text = tr("%1 could not start: %2. The builtin proxy runs this setup instead.").arg(engine, message);
    m_lastError = message;
    m_notesForNextRun << text;
    m_status->showMessage(tr("Error: %1").arg(text), kErrorMs, true);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("%1 could not start").arg(engine), text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
    LabConfig fallback = config;
    fallback.engine = EngineKind::Builtin;
    m_controls->setEngine(EngineKind::Builtin);
    startConfig(fallback);
}

void MainWindow::onSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    const Snapshot& s = *snapshot;
    m_mapPanel->showSnapshot(snapshot); // the map, the flow view and step mode's caption
    m_controls->showSnapshot(s);
    m_servers->showSnapshot(s);
    m_charts->showSnapshot(s);
    m_table->showSnapshot(s);
    m_log->showSnapshot(s);
    m_explain->showSnapshot(s);
    m_story->showSnapshot(s);
    m_export->showSnapshot(s);
    m_config->showSnapshot(s);
    m_status->showSnapshot(s);
    m_controls->showModified(setupChanges());
}

QString MainWindow::statusText() const { return m_status->figuresText(); }

void MainWindow::showMessage(const QString& text, int timeoutMs) { m_status->showMessage(text, timeoutMs); }

void MainWindow::onError(const QString& message)
{
    m_lastError = message;
    m_status->showMessage(tr("Error: %1").arg(message), kErrorMs, true);
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
        m_defaultSizesPending = !m_restoredState;
        if (m_defaultSizesPending)
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
    emit aboutToClose();
    m_zoom->restore(); // the saved layout is the normal one
    if (m_presenting)
        setPresentationMode(false);
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
    const QScreen* s = screen();
    const QSize room = s ? s->availableGeometry().size() : QSize();
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(WindowSize::firstRun(room)); // 1600x1000, or the whole of a smaller screen
    else if (const QSize fitted = WindowSize::fitted(size(), room); fitted != size())
        resize(fitted); // saved on a larger screen, or when the window could not be narrower than 1687 px
    m_restoredState = restoreState(settings.value("window/state").toByteArray(), kLayoutVersion);
    const double scale = settings.value("window/fontScale", 1.0).toDouble();
    if (scale > 0)
        m_fontScale->setScale(scale);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kLayoutVersion));
    settings.setValue("window/fontScale", m_fontScale->scale());
}

} // namespace lblab::ui
