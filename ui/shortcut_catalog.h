#pragma once

#include <QKeySequence>
#include <QList>
#include <QString>

namespace lblab::ui {

/// One line of Help > Keyboard shortcuts.
struct ShortcutInfo {
    QString section;          ///< "Run", "Policies", "View", "File", "Replay", "Mouse"
    QString keysText;         ///< as shown, e.g. "Ctrl+1 … Ctrl+9"
    QString what;             ///< what it does
    QList<QKeySequence> keys; ///< every sequence the line stands for (empty for mouse gestures)
};

/// The one list of the window's keyboard shortcuts and mouse gestures, which the Help dialog shows.
/// A test checks that every shortcut the windows install is on it.
class ShortcutCatalog {
public:
    /// Every line, grouped by section in display order.
    static QList<ShortcutInfo> all();
    /// True when `key` is one of the listed sequences.
    static bool lists(const QKeySequence& key);
    /// The list as an HTML table (the dialog's content).
    static QString html();

    /// The keys the panels and the window use, named once here.
    static QKeySequence presentationMode() { return QKeySequence(Qt::Key_F11); }
    static QKeySequence help() { return QKeySequence(Qt::Key_F1); }
    static QKeySequence leaveEnlarged() { return QKeySequence(Qt::Key_Escape); }
    static QList<QKeySequence> zoomIn() { return {QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus)}; }
    static QKeySequence zoomOut() { return QKeySequence(Qt::CTRL | Qt::Key_Minus); }
    static QKeySequence zoomReset() { return QKeySequence(Qt::CTRL | Qt::Key_0); }
    /// Step mode: let exactly one request through.
    static QKeySequence step() { return QKeySequence(Qt::Key_N); }
    /// Leave step mode: requests flow again.
    static QKeySequence run() { return QKeySequence(Qt::Key_R); }
    /// The map or the flow view in the window's centre.
    static QKeySequence flowView() { return QKeySequence(Qt::Key_F); }
    /// Alt+1..Alt+9: enlarge panel `ordinal` (0-based).
    static QKeySequence enlargePanel(int ordinal) { return QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + ordinal)); }
    /// Ctrl+1..Ctrl+9: policy `ordinal` (0-based) of the picker.
    static QKeySequence policy(int ordinal) { return QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + ordinal)); }
    /// The panels Alt+1.. enlarge, in order.
    static QList<QString> enlargeablePanels();
};

} // namespace lblab::ui
