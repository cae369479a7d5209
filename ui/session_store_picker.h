#pragma once

#include "core/store/session_store_kind.h"

#include <QWidget>

class QComboBox;

namespace lblab::ui {

/// Where the servers keep sessions: on each server, in a shared Redis, or in a signed cookie (from
/// SessionStoreCatalog). A label "Sessions" and a picker; choosing one asks for a restart with it.
class SessionStorePicker : public QWidget {
    Q_OBJECT
public:
    /// A picker listing every store of SessionStoreCatalog, "On each server" selected.
    explicit SessionStorePicker(QWidget* parent = nullptr);

    /// The store the picker shows.
    lblab::SessionStoreKind store() const;
    /// Shows `store` without asking for anything (a preset, or a window opened with --session-store).
    void setStore(lblab::SessionStoreKind store);
    /// Selects `store` as the user would: storeChosen is emitted if it differs.
    void choose(lblab::SessionStoreKind store);
    /// The picker itself (tests, layout).
    QComboBox* combo() const { return m_combo; }


signals:
    /// The user chose another store.
    void storeChosen(lblab::SessionStoreKind store);

private:
    QComboBox* m_combo;
};

} // namespace lblab::ui
