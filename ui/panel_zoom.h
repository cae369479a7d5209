#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

class QDockWidget;
class QMainWindow;
class QStackedWidget;
class QWidget;

namespace lblab::ui {

/// Enlarges one panel to fill the window (the map, or a dock's content moved into the centre) with
/// the other panels hidden, and brings them back as they were. The controls stay, so the run can
/// still be driven while one panel fills the screen.
class PanelZoom : public QObject {
    Q_OBJECT
public:
    /// `centre` is the window's central stack; its current page is the map. `keep` stays visible.
    PanelZoom(QMainWindow* window, QStackedWidget* centre, QDockWidget* keep);

    /// Adds an enlargeable dock; its ordinal is the number of docks added before it plus one (0 is the map).
    void addDock(QDockWidget* dock);
    /// Enlarges panel `ordinal` (0 = map), or brings the others back if it is the enlarged one.
    void toggle(int ordinal);
    /// Enlarges `dock`, or brings the others back if it is the enlarged one.
    void toggleDock(QDockWidget* dock);
    /// Brings every panel back as it was; false if none was enlarged.
    bool restore();
    /// Ordinal of the enlarged panel, or -1.
    int enlarged() const { return m_enlarged; }
    /// The docks, in ordinal order (ordinal = index + 1).
    const QList<QDockWidget*>& docks() const { return m_docks; }

signals:
    /// A panel was enlarged (ordinal) or the others came back (-1).
    void changed(int ordinal);

private:
    void enlarge(int ordinal);

    QMainWindow* m_window;
    QStackedWidget* m_centre;
    QDockWidget* m_keep;
    QWidget* m_host;
    QList<QDockWidget*> m_docks;
    QByteArray m_state;
    int m_enlarged = -1;
};

} // namespace lblab::ui
