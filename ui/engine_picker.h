#pragma once

#include "core/engines/engine_kind.h"

#include <QWidget>

class QComboBox;

namespace lblab::ui {

/// Which balancer does the balancing: the builtin proxy, a real HAProxy or a real NGINX (from
/// EngineCatalog). A label "Engine" and a picker; choosing one asks for a restart with it. It also
/// knows which policies each engine can run, and greys out the others in a policy picker.
class EnginePicker : public QWidget {
    Q_OBJECT
public:
    /// A picker listing every engine of EngineCatalog, builtin selected.
    explicit EnginePicker(QWidget* parent = nullptr);

    /// The engine the picker shows.
    lblab::EngineKind engine() const;
    /// Shows `engine` without asking for anything (a preset or a window opened with --engine).
    void setEngine(lblab::EngineKind engine);
    /// Selects `engine` as the user would: engineChosen is emitted if it differs.
    void choose(lblab::EngineKind engine);
    /// The picker itself (tests, layout).
    QComboBox* combo() const { return m_combo; }

    /// In `policyPicker` (items carrying a policy id under `idRole`; items without one are headings),
    /// disables the policies `engine` cannot run, with the reason as their tooltip, and enables the
    /// others with their own tooltip back. The items stay visible.
    static void markSupportedPolicies(QComboBox* policyPicker, lblab::EngineKind engine, int idRole);

signals:
    /// The user chose another engine.
    void engineChosen(lblab::EngineKind engine);

private:
    QComboBox* m_combo;
};

} // namespace lblab::ui
