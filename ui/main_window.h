#pragma once

#include "core/lab_config.h"
#include "core/snapshot.h"

#include <QMainWindow>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

class QDockWidget;
class QLabel;

namespace lblab::ui {

class AssignmentMap;
class CompareWindow;
class ControlsPanel;
class EventLogPanel;
class ExplainPanel;
class ExportPanel;
class LabBridge;
class LoadCharts;
class ServersPanel;
class SessionTablePanel;

/// The window: composes the panels around the assignment map and wires their signals to the one
/// LabBridge. It holds no lab logic of its own.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// A window that starts `preset` when first shown (unless autoStart is false).
    explicit MainWindow(const lblab::LabConfig& preset, bool autoStart = true, QWidget* parent = nullptr);
    /// Stops the lab.
    ~MainWindow() override;

    /// The name of the preset started last (QSettings), "" if none.
    static QString lastPresetName();

    /// The bridge (tests drive the lab through it).
    LabBridge* bridge() const { return m_bridge; }
    /// The panels.
    AssignmentMap* assignmentMap() const { return m_map; }
    ControlsPanel* controls() const { return m_controls; }
    ServersPanel* servers() const { return m_servers; }
    /// The status bar's run time, requests and policy line.
    QString statusText() const;
    /// The last error shown to the user, "" if none.
    QString lastError() const { return m_lastError; }

    /// The setup File > Save would write: the controls' configuration with the policy the user
    /// chose live (a timeline's own switches are not baked in: the timeline replays them).
    lblab::LabConfig currentSetup() const;
    /// Loads a scenario file, adds it to the preset picker and starts it. On failure the current
    /// run goes on and `error` (if given) gets the one-line reason, which names the file.
    bool openScenarioFile(const QString& path, QString* error = nullptr);
    /// Writes currentSetup() as a scenario file; on failure `error` (if given) gets the reason.
    bool saveScenarioFile(const QString& path, QString* error = nullptr);
    /// Opens (or replaces) the side-by-side window: currentSetup() under its policy vs. `policyB`.
    CompareWindow* openCompareWindow(const QString& policyB);
    /// The open compare window, or nullptr.
    CompareWindow* compareWindow() const;

public slots:
    /// Starts a configuration (and remembers its preset).
    void startConfig(const lblab::LabConfig& config);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void openScenarioDialog();
    void saveScenarioDialog();
    void compareDialog();
    void buildDocks();
    void applyDefaultDockSizes();
    void connectPanels();
    void onSnapshot(std::shared_ptr<const lblab::Snapshot> snapshot);
    void onError(const QString& message);
    void exportCharts(const QString& file);
    void restoreSettings();
    void saveSettings() const;

    LabConfig m_initial;
    std::vector<LabConfig> m_presets; ///< the picker's entries: built-in presets and opened scenarios
    QPointer<CompareWindow> m_compare;
    bool m_autoStart;
    bool m_started = false;
    QString m_lastError;

    LabBridge* m_bridge;
    AssignmentMap* m_map;
    ControlsPanel* m_controls;
    ServersPanel* m_servers;
    LoadCharts* m_charts;
    SessionTablePanel* m_table;
    EventLogPanel* m_log;
    ExplainPanel* m_explain;
    ExportPanel* m_export;
    QDockWidget* m_chartsDock = nullptr;
    QDockWidget* m_explainDock = nullptr;
    QDockWidget* m_serversDock = nullptr;
    bool m_restoredState = false;
    bool m_sized = false;
    QLabel* m_statusRun;
    QLabel* m_statusRequests;
    QLabel* m_statusPolicy;
    QLabel* m_statusSessions;
    QLabel* m_statusMoves; ///< clients that changed server and why; hidden while none has
};

} // namespace lblab::ui
