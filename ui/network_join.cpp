#include "ui/network_join.h"

#include "core/lab/lab.h"
#include "ui/join_window.h"
#include "ui/lab_bridge.h"
#include "ui/ui_text.h"

#include <QAction>
#include <QScreen>
#include <QSignalBlocker>
#include <QToolButton>

#include <algorithm>
#include <utility>

namespace lblab::ui {

namespace {

constexpr const char* kAllInterfaces = "0.0.0.0";
constexpr const char* kLoopbackOnly = "127.0.0.1";

} // namespace

NetworkJoin::NetworkJoin(LabBridge* bridge, const LabConfig& initial, QWidget* window)
    : QObject(window), m_bridge(bridge), m_window(window)
{
    m_open = !NetworkInterfaces::isLoopback(initial.listenAddress);
    m_showWindowOnStart = m_open;
    m_action = new QAction(tr("Let devices on this network &join"), this);
    m_action->setCheckable(true);
    m_action->setChecked(m_open);
    m_action->setToolTip(tr("Restart the lab with its balancer on all network interfaces, so phones in the room can "
                            "open it (shows the address and a QR code)"));
    connect(m_action, &QAction::toggled, this, &NetworkJoin::setOpen);

    m_indicator = new QToolButton(window);
    m_indicator->setObjectName(QStringLiteral("joinIndicator"));
    m_indicator->setAutoRaise(true);
    m_indicator->setStyleSheet(QStringLiteral("QToolButton#joinIndicator { background: #ffe8a3; color: #1b1b1b; "
                                              "border: 1px solid #c98a00; border-radius: 4px; padding: 2px 8px; "
                                              "font-weight: bold; }"));
    m_indicator->hide();
    connect(m_indicator, &QToolButton::clicked, this, &NetworkJoin::showJoinWindow);

    connect(bridge, &LabBridge::labStarted, this, &NetworkJoin::onLabStarted);
    connect(bridge, &LabBridge::errorOccurred, this, &NetworkJoin::onError);
}

JoinWindow* NetworkJoin::joinWindow()
{
    if (!m_joinWindow)
        m_joinWindow = new JoinWindow(m_window);
    return m_joinWindow;
}

LabConfig NetworkJoin::prepare(LabConfig config)
{
    const bool loopback = NetworkInterfaces::isLoopback(config.listenAddress);
    if (m_open && loopback)
        config.listenAddress = kAllInterfaces; // an address the setup names itself (192.168.1.5) is kept
    else if (!m_open && !loopback)
        config.listenAddress = kLoopbackOnly;
    m_portForced = m_port != 0 && config.listenPort != m_port;
    if (m_port != 0)
        config.listenPort = m_port;
    return config;
}

void NetworkJoin::setOpen(bool open)
{
    if (open == m_open)
        return;
    m_open = open;
    {
        const QSignalBlocker block(m_action);
        m_action->setChecked(open);
    }
    m_showWindowOnStart = open;
    if (!open && m_joinWindow)
        m_joinWindow->hide();
    const Lab* lab = m_bridge->lab();
    if (lab && lab->balancerPort() != 0)
        m_port = lab->balancerPort(); // the address on this machine stays valid, and the join URL across restarts
    if (m_bridge->isActive())
        emit restartRequested();
}

void NetworkJoin::onLabStarted()
{
    m_portForced = false;
    Lab* lab = m_bridge->lab();
    if (!lab)
        return;
    m_notice = JoinNotice::forThisMachine(m_bridge->config().listenAddress, lab->balancerPort());
    if (m_notice.open)
        m_port = lab->balancerPort(); // the next runs keep it: the code the students scanned stays valid
    if (m_notice.open) {
        m_indicator->setText(tr("Open to the network: %1").arg(toQString(m_notice.joinUrl())));
        m_indicator->setToolTip(toQString(m_notice.warning) + tr("\n\nClick to show the join code."));
        // In the event log (and on the charts' timeline): this run could be reached from outside.
        lab->note(m_notice.urls.empty() ? "Open to the network, but this machine has no network address"
                                         : "Open to the network: other devices join at " + m_notice.joinUrl());
    }
    m_indicator->setVisible(m_notice.open);
    if (m_joinWindow)
        m_joinWindow->showNotice(m_notice);
    if (m_notice.open && std::exchange(m_showWindowOnStart, false))
        showJoinWindow();
}

void NetworkJoin::onError(const QString& message)
{
    // The port the last run had is taken now (another program, a lab in another window): a free one.
    if (std::exchange(m_portForced, false) && message.contains(QStringLiteral("cannot listen"))) {
        m_port = 0;
        // Later: this error comes from inside the start that failed.
        QMetaObject::invokeMethod(this, &NetworkJoin::restartRequested, Qt::QueuedConnection);
    }
}

void NetworkJoin::showJoinWindow()
{
    JoinWindow* w = joinWindow();
    w->showNotice(m_notice);
    if (!w->isVisible() && !m_joinWindowPlaced) {
        // First time: over the right column of the window, so the map stays in view beside it.
        m_joinWindowPlaced = true;
        QRect frame = m_window->frameGeometry();
        if (const QScreen* screen = m_window->screen())
            frame = frame.intersected(screen->availableGeometry()); // a window wider than the screen
        w->resize(std::min(w->width(), frame.width() / 2), std::min(w->height(), frame.height() - 60));
        w->move(frame.right() - w->width() - 24, frame.top() + 60);
    }
    w->show();
    w->raise();
    w->activateWindow();
}

} // namespace lblab::ui
