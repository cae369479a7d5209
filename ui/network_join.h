#pragma once

#include "core/config/lab_config.h"
#include "core/lab/join_notice.h"

#include <QObject>
#include <QPointer>

#include <cstdint>

class QAction;
class QToolButton;
class QWidget;

namespace lblab::ui {

class JoinWindow;
class LabBridge;

/// The window's "Let devices on this network join" option. On, every run the window starts has its
/// balancer on all interfaces (0.0.0.0, on the port it had, so a join URL stays valid across
/// restarts); off, on loopback. Turning it on or off asks for a restart (restartRequested). While
/// the lab is open, a warning button in the menu bar names the address others use and opens the
/// join window (URL and QR code), which also opens by itself when the option is turned on.
class NetworkJoin : public QObject {
    Q_OBJECT
public:
    /// Follows `bridge`'s runs; starts on when `initial` listens on a non-loopback address (--listen
    /// 0.0.0.0:PORT). `window` is the main window (the join window stays above it).
    NetworkJoin(LabBridge* bridge, const lblab::LabConfig& initial, QWidget* window);

    /// The checkable menu action.
    QAction* action() const { return m_action; }
    /// The warning button for the menu bar's corner (hidden while the lab is not open).
    QToolButton* indicator() const { return m_indicator; }
    /// The join window (created on first use).
    JoinWindow* joinWindow();
    /// Whether the option is on.
    bool isOpen() const { return m_open; }
    /// What the running lab tells its users (default: not open, nothing to say).
    const lblab::JoinNotice& notice() const { return m_notice; }
    /// `config` with the balancer address the option asks for (the window starts every run through it).
    lblab::LabConfig prepare(lblab::LabConfig config);

public slots:
    /// Turns the option on or off; a running lab restarts (restartRequested).
    void setOpen(bool open);

signals:
    /// The option changed while a lab runs: start the current setup again (through prepare()).
    void restartRequested();

private:
    void onLabStarted();
    void onError(const QString& message);
    void showJoinWindow();

    LabBridge* m_bridge;
    QWidget* m_window;
    QAction* m_action;
    QToolButton* m_indicator;
    QPointer<JoinWindow> m_joinWindow;
    lblab::JoinNotice m_notice;
    bool m_open = false;
    std::uint16_t m_port = 0;        ///< the port runs keep once the option was used (0: as configured)
    bool m_portForced = false;       ///< the start under way asked for m_port: if it is taken, retry on a free one
    bool m_showWindowOnStart = false; ///< the option was just turned on: show the join window
    bool m_joinWindowPlaced = false;  ///< the join window was given its first place
};

} // namespace lblab::ui
