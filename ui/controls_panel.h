#pragma once

#include "core/config/lab_config.h"
#include "core/policies/policy_catalog.h"
#include "core/lab/snapshot.h"

#include <QElapsedTimer>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace lblab::ui {

class EnginePicker;
class NumberField;
class PaceControls;
class SessionStorePicker;

/// The run's controls: preset, start/pause/stop/reset, policy, request rate, client count, seed,
/// "change client IPs now" and the balancer's URL. It only emits commands; it never runs anything.
///
/// What starts is the selected preset as shipped plus the user's own changes (a policy or rate
/// chosen here, a client count or seed typed here); a timeline's switches are not the user's. Picking
/// a preset loads it whole and starts it; Restart keeps the user's changes and the panel says which
/// ("modified: policy, clients"); Reset starts the preset exactly as shipped. Policy and rate apply
/// live; clients and seed apply when the run restarts (Enter in the field restarts it), and until then
/// the field is marked. The engine (builtin, HAProxy, NGINX) is chosen beside the policy: choosing one
/// restarts the run with it, and the policies it cannot run are greyed out. Where sessions live (on
/// each server, a shared Redis, a signed cookie) is chosen beside the engine, and restarts the run
/// the same way. Shortcuts: Space start/pause/resume, Ctrl+1..Ctrl+9 the first nine policies,
/// Alt+Up/Alt+Down the previous/next policy.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    /// A panel with no presets or policies yet (see setPresets, setPolicies).
    explicit ControlsPanel(QWidget* parent = nullptr);

    /// Fills the preset picker (title shown, in the given order); selects the first.
    void setPresets(const std::vector<lblab::LabConfig>& presets);
    /// Fills the policy picker, grouped under "Stateless" and "Stateful" headers.
    void setPolicies(const std::vector<lblab::PolicyDescriptor>& policies);
    /// Selects a preset by name and loads it whole (policy, rate, clients, seed), dropping the user's
    /// changes; starts nothing. False if there is no such preset.
    bool selectPreset(const QString& name);
    /// Loads `config`'s policy, rate, client count and seed as the user's changes to the selected
    /// preset (a window opened with --policy, --rate, --clients or --seed).
    void applyUserValues(const lblab::LabConfig& config);

    /// The selected preset with the user's changes applied.
    lblab::LabConfig currentConfig() const;
    /// The selected preset exactly as shipped (what Reset starts).
    lblab::LabConfig presetConfig() const;
    /// Id of the policy the picker shows ("" if none).
    QString currentPolicy() const;
    /// Policy ids in picker order.
    QStringList policyIds() const;
    /// Selects policy `id` in the picker and asks for it (as the user would); a policy the engine
    /// cannot run (greyed out) is not selected.
    void choosePolicy(const QString& id);
    /// The engine the picker shows.
    lblab::EngineKind currentEngine() const;
    /// Makes `engine` the user's choice without asking for a restart (the window falls back to the
    /// builtin proxy when an outside engine cannot start).
    void setEngine(lblab::EngineKind engine);
    /// The session store the picker shows.
    lblab::SessionStoreKind currentSessionStore() const;
    /// The summary line shown under the policy picker.
    QString policySummaryText() const;

    /// Shows what the setup changes from the preset ("policy", "clients", ...); empty hides the mark.
    void showModified(const QStringList& changes);
    /// The "modified: ..." mark's text ("" when hidden).
    QString modifiedText() const;
    /// Fields whose value waits for a restart ("clients", "seed"); empty when none does.
    QStringList pendingRestart() const;

    /// Widgets, for tests and MainWindow's layout.
    QComboBox* presetCombo() const { return m_preset; }
    QComboBox* policyCombo() const { return m_policy; }
    EnginePicker* enginePicker() const { return m_engine; }
    SessionStorePicker* storePicker() const { return m_store; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* resetButton() const { return m_reset; }
    QPushButton* changeIpsButton() const { return m_changeIps; }
    QPushButton* copyUrlButton() const { return m_copyUrl; }
    QPushButton* backToPresetButton() const { return m_backToPreset; }
    NumberField* rateBox() const { return m_rate; }
    NumberField* clientsBox() const { return m_clients; }
    NumberField* seedBox() const { return m_seed; }
    NumberField* ipFractionBox() const { return m_ipFraction; }
    QLineEdit* urlField() const { return m_url; }
    PaceControls* pace() const { return m_pace; }

public slots:
    /// Follows the run: state (pause button), policy in force, rate, URL.
    void showSnapshot(const lblab::Snapshot& snapshot);
    /// Space: start when nothing runs, else pause or resume.
    void toggleRun();
    /// Selects the next (+1) or previous (-1) policy.
    void cyclePolicy(int step);

protected:
    void changeEvent(QEvent* event) override;

signals:
    /// Start (or restart) with this configuration.
    void startRequested(lblab::LabConfig config);
    /// Pause the generated traffic.
    void pauseRequested();
    /// Resume it.
    void resumeRequested();
    /// Stop the run.
    void stopRequested();
    /// Start the selected preset exactly as shipped (the user's changes are dropped).
    void resetRequested(lblab::LabConfig config);
    /// A preset was loaded into the controls (by the user or by selectPreset).
    void presetSelected(lblab::LabConfig config);
    /// Switch to policy `id` live.
    void policyRequested(QString id);
    /// Change the total request rate live.
    void requestRateChanged(double perSecond);
    /// Move `fraction` of the users to new addresses now.
    void changeIpsRequested(double fraction);
    /// A field corrected what the user typed; `message` says what and why.
    void inputCorrected(QString message);
    /// The engine chosen cannot run the selected policy, so the restart uses round robin; `message`
    /// names the engine, the policy and why.
    void policyFellBack(QString message);

private:
    void onPresetChanged(int index);
    void onPresetActivated(int index);
    void onPolicyChanged(int index);
    void onEngineChosen(lblab::EngineKind engine);
    void onStoreChosen(lblab::SessionStoreKind store);
    void showEngine(lblab::EngineKind engine);
    void loadPreset(int index);
    void requestStart();
    void requestReset();
    void updateRunButtons();
    void updatePending();
    void installShortcuts();
    void fitPolicyPopup();
    int policyRow(const QString& id) const;
    const lblab::LabConfig* selected() const;

    std::vector<lblab::LabConfig> m_presets;
    std::vector<lblab::PolicyDescriptor> m_policies;
    RunState m_state = RunState::Idle;
    QString m_pendingPolicy;       ///< asked for, not yet reported by a snapshot
    QElapsedTimer m_pendingSince;
    std::optional<std::string> m_userPolicy; ///< the policy the user chose (a timeline's is not)
    std::optional<double> m_userRate;        ///< the rate the user set
    std::optional<lblab::EngineKind> m_userEngine; ///< the engine the user chose
    std::optional<lblab::SessionStoreKind> m_userStore; ///< the session store the user chose
    int m_appliedClients = -1;     ///< the client count of the run in progress (-1: none started here)
    int m_appliedSeed = -1;        ///< its seed

    QComboBox* m_preset;
    EnginePicker* m_engine;
    SessionStorePicker* m_store;
    QComboBox* m_policy;
    QLabel* m_policySummary;
    QLabel* m_modified;
    QPushButton* m_backToPreset;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QPushButton* m_reset;
    QPushButton* m_changeIps;
    QPushButton* m_copyUrl;
    NumberField* m_rate;
    NumberField* m_clients;
    NumberField* m_seed;
    NumberField* m_ipFraction;
    QLineEdit* m_url;
    PaceControls* m_pace;
};

} // namespace lblab::ui
