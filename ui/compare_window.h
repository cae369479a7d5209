#pragma once

#include "core/config/lab_config.h"
#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

#include <array>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;

namespace lblab::ui {

class AssignmentMap;
class LabBridge;
class OutcomeTable;

/// Side by side: the same seeded workload under two policies at once, two labs in one process on
/// their own free ports, each with its map, and a live table of their measured outcomes. A
/// timeline's switch-policy steps are left out, so each lab keeps its policy.
class CompareWindow : public QWidget {
    Q_OBJECT
public:
    /// A window comparing `policyA` with `policyB` on `config`; it starts both labs when first shown,
    /// at 1500x1000 or the room its screen has.
    CompareWindow(const lblab::LabConfig& config, const QString& policyA, const QString& policyB,
                  QWidget* parent = nullptr);
    /// Stops both labs.
    ~CompareWindow() override;

    /// The configuration lab `side` (0 = A, 1 = B) runs: the shared one with its policy, without
    /// switch-policy steps, on a free port.
    lblab::LabConfig configFor(int side) const;
    /// Policy id of side A / B.
    QString policyA() const { return m_policies[0]; }
    QString policyB() const { return m_policies[1]; }
    /// The timeline had switch-policy steps that this comparison leaves out.
    bool skippedPolicySwitches() const { return m_skippedSwitches; }
    /// The last error of either lab ("" if none).
    QString lastError() const { return m_lastError; }

    /// Sizes the window for a screen whose available area is `available` (ScreenFit), and shares its
    /// height between the maps and the table: every measure in view where that leaves the maps their
    /// least size, else the first five and a scroll bar. Called when the window is shown.
    void fitTo(const QRect& available);

    /// Parts, for tests.
    LabBridge* bridgeA() const { return m_bridges[0]; }
    LabBridge* bridgeB() const { return m_bridges[1]; }
    AssignmentMap* mapA() const { return m_maps[0]; }
    AssignmentMap* mapB() const { return m_maps[1]; }
    QComboBox* pickerA() const { return m_pickers[0]; }
    QComboBox* pickerB() const { return m_pickers[1]; }
    QLabel* titleA() const { return m_titles[0]; }
    QLabel* titleB() const { return m_titles[1]; }
    OutcomeTable* outcomeTable() const { return m_table; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }

public slots:
    /// (Re)starts both labs from scratch with the same workload.
    void start();
    /// Stops both labs; their outcomes stay in the table.
    void stop();
    /// Sets both policies and restarts if running (a comparison is only fair from t = 0).
    void setPolicies(const QString& policyA, const QString& policyB);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void onSnapshot(int side, std::shared_ptr<const lblab::Snapshot> snapshot);
    /// Height of the outcome table's header, frame and its first `rows` rows.
    int tableHeight(int rows) const;
    /// Shares the height between the maps and the table (see fitTo()).
    void splitHeight();
    void updateTitles();
    void updateButtons();

    LabConfig m_config;
    std::array<QString, 2> m_policies;
    bool m_skippedSwitches = false;
    bool m_started = false;
    QString m_lastError;

    std::array<LabBridge*, 2> m_bridges{};
    std::array<AssignmentMap*, 2> m_maps{};
    std::array<QComboBox*, 2> m_pickers{};
    std::array<QLabel*, 2> m_titles{};
    std::array<std::shared_ptr<const lblab::Snapshot>, 2> m_latest;
    OutcomeTable* m_table;
    QWidget* m_mapsRow;
    QSplitter* m_splitter;
    QLabel* m_heading;
    QLabel* m_status;
    QPushButton* m_start;
    QPushButton* m_stop;
};

} // namespace lblab::ui
