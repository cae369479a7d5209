#pragma once

#include "core/config/lab_config.h"
#include "core/engines/engine_kind.h"
#include "core/lab/snapshot.h"

#include <QString>
#include <QWidget>

#include <array>
#include <cstdint>
#include <string>

class QLabel;
class QVBoxLayout;

namespace lblab::ui {

/// Plain-language explanation of what is on screen: the preset's lesson, how the current policy
/// decides and where it fails (with HAProxy or NGINX balancing, how that engine does it), where the
/// sessions live (and, when the shared store is down, what that does), and the run's outcome so far
/// in words.
class ExplainPanel : public QWidget {
    Q_OBJECT
public:
    /// An empty panel.
    explicit ExplainPanel(QWidget* parent = nullptr);

    /// Rich text of the preset section (title, what it shows, what to watch).
    QString presetText() const;
    /// Rich text of the policy section.
    QString policyText() const;
    /// Rich text of the session store section.
    QString storeText() const;
    /// Rich text of the outcome section.
    QString outcomeText() const;

    /// The outcome sentences for a snapshot, as rich text (a list).
    static QString describeOutcome(const lblab::Snapshot& snapshot);
    /// The session store section: where sessions live (SessionStoreCatalog::description), and when the
    /// shared store is down, that every server's logged-in users fail at once.
    static QString describeStore(const lblab::StoreView& store);
    /// The policy section for a policy id, as rich text; for an outside engine, with its note on how
    /// it implements the policy (EngineCatalog::note).
    static QString describePolicy(const std::string& policyId, lblab::EngineKind engine = lblab::EngineKind::Builtin);

public slots:
    /// Shows the preset's title and lesson.
    void showPreset(const lblab::LabConfig& config);
    /// Says which engine balances (its note goes under the policy's explanation).
    void setEngine(lblab::EngineKind engine);
    /// Shows the current policy's explanation and the live outcome; updates only what changed.
    void showSnapshot(const lblab::Snapshot& snapshot);

private:
    QLabel* m_preset = nullptr;
    QLabel* m_policy = nullptr;
    QLabel* m_store = nullptr;
    QVBoxLayout* m_sections = nullptr;
    QLabel* m_outcome = nullptr;
    std::string m_policyId;
    bool m_hasPolicy = false;
    lblab::EngineKind m_engine = lblab::EngineKind::Builtin;
    int m_storeKey = -1;               ///< kind, up and killed of the store shown (-1: none yet)
    std::array<std::uint64_t, 11> m_outcomeKey{};
    bool m_hasOutcome = false;
    std::int64_t m_outcomeUs = 0;
};

} // namespace lblab::ui
