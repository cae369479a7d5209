#pragma once

#include "core/config/lab_config.h"
#include "core/lab/snapshot.h"

#include <QMainWindow>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

class QAction;
class QDockWidget;
class QStackedWidget;

namespace lblab::ui {

class AssignmentMap;
class ClientStoryPanel;
class CompareWindow;
class ConfigPanel;
class ControlsPanel;
class EventLogPanel;
class ExplainPanel;
class ExportPanel;
class FontScale;
class LabBridge;
class LoadCharts;
class MapPanel;
class NetworkJoin;
class PanelZoom;
class ServersPanel;
class PinTablePanel;
class StatusLine;

/// The window: composes the panels around the assignment map and wires their signals to the one
/// LabBridge. It holds no lab logic of its own. For teaching: presentation mode (F11: full screen,
/// larger text), text scaled as one (Ctrl+= / Ctrl+- / Ctrl+0), any panel enlarged to fill the
/// window (Alt+1..; Esc brings the others back), and Help > Keyboard shortcuts (F1).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// A window that starts `config` when first shown (unless autoStart is false). When `config` is
    /// a preset of the catalog changed on the command line (--policy, --rate, --clients, --seed),
    /// the picker keeps the preset as shipped and the changes show as the user's ("modified: ...").
    explicit MainWindow(const lblab::LabConfig& config, bool autoStart = true, QWidget* parent = nullptr);
    /// Stops the lab.
    ~MainWindow() override;

    /// The name of the preset started last (QSettings), "" if none.
    static QString lastPresetName();

    /// The bridge (tests drive the lab through it).
    LabBridge* bridge() const { return m_bridge; }
    /// The panels.
    AssignmentMap* assignmentMap() const { return m_map; }
    MapPanel* mapPanel() const { return m_mapPanel; }
    ControlsPanel* controls() const { return m_controls; }
    ServersPanel* servers() const { return m_servers; }
    EventLogPanel* eventLog() const { return m_log; }
    PinTablePanel* sessionTable() const { return m_table; }
    ClientStoryPanel* clientStory() const { return m_story; }
    LoadCharts* charts() const { return m_charts; }
    StatusLine* statusLine() const { return m_status; }
    ConfigPanel* configPanel() const { return m_config; }
    ExplainPanel* explain() const { return m_explain; }
    /// The "Let devices on this network join" option, its warning and its join window.
    NetworkJoin* networkJoin() const { return m_join; }
    /// The status bar's figures: run time, requests, misses, moves and policy.
    QString statusText() const;
    /// The last error shown to the user, "" if none.
    QString lastError() const { return m_lastError; }

    /// The setup a Restart, File > Save or Compare starts from: the selected preset with the user's
    /// changes (policy, rate, clients, seed from the controls; servers the user added, removed or
    /// reweighted in the running lab). A timeline's own switches are not baked in: it replays them.
    lblab::LabConfig currentSetup() const;
    /// What currentSetup() changes from the preset as shipped ("engine", "policy", "servers", ...).
    QStringList setupChanges() const;
    /// Loads a scenario file, adds it to the preset picker and starts it. On failure the current
    /// run goes on and `error` (if given) gets the one-line reason, which names the file.
    bool openScenarioFile(const QString& path, QString* error = nullptr);
    /// Writes currentSetup() as a scenario file; on failure `error` (if given) gets the reason.
    bool saveScenarioFile(const QString& path, QString* error = nullptr);
    /// Opens (or replaces) the side-by-side window: currentSetup() under its policy vs. `policyB`.
    CompareWindow* openCompareWindow(const QString& policyB);
    /// The open compare window, or nullptr.
    CompareWindow* compareWindow() const;

    /// Presentation mode: full screen and larger text (F11), or back.
    void setPresentationMode(bool on);
    /// True in presentation mode.
    bool presentationMode() const { return m_presenting; }
    /// The font scale (Ctrl+= / Ctrl+- / Ctrl+0).
    FontScale* fontScale() const { return m_fontScale; }
    /// Enlarges panel `ordinal` (0 map, then Servers, Load, Explain, Client, Session table, Event
    /// log, Export, Config), or brings the others back if it is the enlarged one.
    void togglePanel(int ordinal);
    /// Ordinal of the enlarged panel, or -1.
    int enlargedPanel() const;
    /// Shows Help > Keyboard shortcuts (non-modal).
    void showShortcuts();

public slots:
    /// Starts a configuration (and remembers its preset).
    void startConfig(const lblab::LabConfig& config);

signals:
    /// The window is about to close and stop its lab (a screenshot can still be taken).
    void aboutToClose();

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildViewMenu();
    void openScenarioDialog();
    void saveScenarioDialog();
    void compareDialog();
    void openRecordedRunDialog();
    void buildDocks();
    QDockWidget* addPanelDock(const QString& title, const QString& name, QWidget* content);
    void applyDefaultDockSizes();
    void connectPanels();
    void onSnapshot(std::shared_ptr<const lblab::Snapshot> snapshot);
    void onError(const QString& message);
    void onLabStarted(const QString& url);
    void onEngineFailed(const lblab::LabConfig& config, const QString& message);
    void showMessage(const QString& text, int timeoutMs);
    void exportCharts(const QString& file);
    void restoreSettings();
    void saveSettings() const;

    LabConfig m_initial;
    std::vector<LabConfig> m_presets; ///< the picker's entries: built-in presets and opened scenarios
    QPointer<CompareWindow> m_compare;
    bool m_autoStart;
    bool m_started = false;
    bool m_presenting = false;
    bool m_wasMaximized = false;
    double m_scaleBeforePresenting = 1.0;
    QString m_lastError;

    LabBridge* m_bridge;
    NetworkJoin* m_join;
    FontScale* m_fontScale;
    QStackedWidget* m_centre;
    AssignmentMap* m_map;
    MapPanel* m_mapPanel;
    ControlsPanel* m_controls;
    ServersPanel* m_servers;
    LoadCharts* m_charts;
    PinTablePanel* m_table;
    EventLogPanel* m_log;
    ExplainPanel* m_explain;
    ClientStoryPanel* m_story;
    ExportPanel* m_export;
    ConfigPanel* m_config;
    StatusLine* m_status;
    PanelZoom* m_zoom = nullptr;
    QAction* m_presentAction = nullptr;
    QDockWidget* m_controlsDock = nullptr;
    QDockWidget* m_chartsDock = nullptr;
    QDockWidget* m_explainDock = nullptr;
    QDockWidget* m_serversDock = nullptr;
    bool m_restoredState = false;
    bool m_defaultSizesPending = false; ///< the first show's dock sizes are still to be applied
    bool m_sized = false;
    std::string m_followed; ///< the client whose story is followed ("" none)
    QStringList m_notesForNextRun; ///< said in the event log of the next run that starts (an engine fallback)
};

} // namespace lblab::ui
