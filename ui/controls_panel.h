#pragma once

#include "core/lab_config.h"
#include "core/policies/policy_catalog.h"
#include "core/snapshot.h"

#include <QElapsedTimer>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace lblab::ui {

/// The run's controls: preset, start/pause/stop/reset, policy, request rate, client count, seed,
/// "change client IPs now" and the balancer's URL. It only emits commands; it never runs anything.
/// Shortcuts: Space start/pause/resume, Ctrl+1..Ctrl+9 and Ctrl+0 the first ten policies,
/// Alt+Up/Alt+Down the previous/next policy.
class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    /// A panel with no presets or policies yet (see setPresets, setPolicies).
    explicit ControlsPanel(QWidget* parent = nullptr);

    /// Fills the preset picker (title shown, in the given order).
    void setPresets(const std::vector<lblab::LabConfig>& presets);
    /// Fills the policy picker, grouped under "Stateless" and "Stateful" headers.
    void setPolicies(const std::vector<lblab::PolicyDescriptor>& policies);
    /// Selects a preset by name (and loads its policy, rate, clients and seed into the controls).
    bool selectPreset(const QString& name);

    /// The selected preset with the controls' seed, client count, policy and rate applied.
    lblab::LabConfig currentConfig() const;
    /// Id of the selected policy ("" if none).
    QString currentPolicy() const;
    /// Policy ids in picker order.
    QStringList policyIds() const;
    /// Selects policy `id` in the picker and asks for it (as the user would).
    void choosePolicy(const QString& id);
    /// The summary line shown under the policy picker.
    QString policySummaryText() const;

    /// Scales a config's client groups to `total` users, keeping their proportions.
    static void scaleClients(lblab::LabConfig& config, int total);

    /// Widgets, for tests and MainWindow's layout.
    QComboBox* presetCombo() const { return m_preset; }
    QComboBox* policyCombo() const { return m_policy; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* resetButton() const { return m_reset; }
    QPushButton* changeIpsButton() const { return m_changeIps; }
    QPushButton* copyUrlButton() const { return m_copyUrl; }
    QDoubleSpinBox* rateBox() const { return m_rate; }
    QSpinBox* clientsBox() const { return m_clients; }
    QSpinBox* seedBox() const { return m_seed; }
    QSpinBox* ipFractionBox() const { return m_ipFraction; }
    QLineEdit* urlField() const { return m_url; }

public slots:
    /// Follows the run: state (pause button), policy in force, rate, URL.
    void showSnapshot(const lblab::Snapshot& snapshot);
    /// Space: start when nothing runs, else pause or resume.
    void toggleRun();
    /// Selects the next (+1) or previous (-1) policy.
    void cyclePolicy(int step);

signals:
    /// Start (or restart) with this configuration.
    void startRequested(lblab::LabConfig config);
    /// Pause the generated traffic.
    void pauseRequested();
    /// Resume it.
    void resumeRequested();
    /// Stop the run.
    void stopRequested();
    /// Start the configuration again from scratch (client count and seed apply here).
    void resetRequested(lblab::LabConfig config);
    /// The user picked another preset (not started yet).
    void presetSelected(lblab::LabConfig config);
    /// Switch to policy `id` live.
    void policyRequested(QString id);
    /// Change the total request rate live.
    void requestRateChanged(double perSecond);
    /// Move `fraction` of the users to new addresses now.
    void changeIpsRequested(double fraction);

private:
    void onPresetChanged(int index);
    void onPolicyChanged(int index);
    void updateRunButtons();
    void installShortcuts();
    int policyRow(const QString& id) const;

    std::vector<lblab::LabConfig> m_presets;
    std::vector<lblab::PolicyDescriptor> m_policies;
    RunState m_state = RunState::Idle;
    QString m_pendingPolicy;       ///< asked for, not yet reported by a snapshot
    QElapsedTimer m_pendingSince;
    bool m_haveRun = false;

    QComboBox* m_preset;
    QComboBox* m_policy;
    QLabel* m_policySummary;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QPushButton* m_reset;
    QPushButton* m_changeIps;
    QPushButton* m_copyUrl;
    QDoubleSpinBox* m_rate;
    QSpinBox* m_clients;
    QSpinBox* m_seed;
    QSpinBox* m_ipFraction;
    QLineEdit* m_url;
};

} // namespace lblab::ui
