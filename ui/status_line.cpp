#include "ui/status_line.h"

#include "core/policies/policy_catalog.h"
#include "ui/elided_label.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>

namespace lblab::ui {

namespace {

QString runStateText(RunState state)
{
    switch (state) {
    case RunState::Idle: return QObject::tr("idle");
    case RunState::Running: return QObject::tr("running");
    case RunState::Paused: return QObject::tr("paused");
    case RunState::Stopped: return QObject::tr("stopped");
    }
    return {};
}

double percent(std::uint64_t part, std::uint64_t whole)
{
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

} // namespace

StatusLine::StatusLine(QWidget* parent) : QWidget(parent)
{
    m_message = new ElidedLabel(this, true);
    m_messageTimer = new QTimer(this);
    m_messageTimer->setSingleShot(true);
    connect(m_messageTimer, &QTimer::timeout, this, [this] { showMessage({}, 0); });
    m_run = new QLabel(tr("idle"), this);
    m_requests = new ElidedLabel(this, false);
    m_sessions = new ElidedLabel(this, false);
    m_moves = new ElidedLabel(this, false);
    m_moves->setToolTip(tr("Clients that changed server: when the servers or the policy changed (remapped), "
                           "when their IP changed (affinity breaks), when their pinned server could not "
                           "serve them (re-pins)"));
    m_moves->hide();
    m_policy = new ElidedLabel(this, false);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(16);
    layout->addWidget(m_message, 1);
    for (QLabel* l : std::initializer_list<QLabel*>{m_run, m_requests, m_sessions, m_moves, m_policy})
        layout->addWidget(l);
}

QWidget* StatusLine::messageWidget() const { return m_message; }

void StatusLine::showMessage(const QString& text, int timeoutMs, bool error)
{
    m_message->setText(text);
    m_message->setToolTip(text);
    // Palette and font, not a style sheet, so the message keeps following the window's text size.
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText, error ? QColor(0xB0, 0x00, 0x20) : palette().color(QPalette::WindowText));
    m_message->setPalette(p);
    QFont f; // bold only: the size still follows the window's text size
    f.setBold(error);
    m_message->setFont(f);
    m_message->update();
    if (timeoutMs > 0)
        m_messageTimer->start(timeoutMs);
    else
        m_messageTimer->stop();
}

QString StatusLine::message() const { return m_message->text(); }

QString StatusLine::sessionsText() const { return m_sessions->text(); }

QString StatusLine::figuresText() const
{
    QStringList parts{m_run->text(), m_requests->text(), m_sessions->text()};
    if (!m_moves->text().isEmpty())
        parts << m_moves->text();
    parts << m_policy->text();
    return parts.join(QStringLiteral(" | "));
}

void StatusLine::showSnapshot(const Snapshot& s)
{
    const double seconds = static_cast<double>(s.tUs) / 1e6;
    m_run->setText(tr("%1  %2 s").arg(runStateText(s.state)).arg(seconds, 0, 'f', 1));
    m_requests->setText(tr("%1 req · %2 err").arg(s.totals.requests).arg(s.totals.errors));
    m_requests->setToolTip(tr("%1 requests since the start, %2 errors (5xx or failed)").arg(s.totals.requests).arg(s.totals.errors));
    const double whole = percent(s.totals.sessionMisses, s.totals.sessionRequests);
    const SinceChange& c = s.sinceChange;
    if (c.tUs >= 0) {
        // What the last change did, not diluted by the minutes before it.
        const double since = percent(c.sessionMisses, c.sessionRequests);
        const double ago = static_cast<double>(std::max<std::int64_t>(0, s.tUs - c.tUs)) / 1e6;
        m_sessions->setText(tr("misses %1 % since %2 · %3 % in all")
                                .arg(since, 0, 'f', 1)
                                .arg(QString::fromStdString(c.what))
                                .arg(whole, 0, 'f', 1));
        m_sessions->setToolTip(tr("Since %1 (%2 s ago): %3 of %4 requests that needed a session missed it.\n"
                                  "Whole run: %5 of %6.")
                                   .arg(QString::fromStdString(c.what))
                                   .arg(ago, 0, 'f', 1)
                                   .arg(c.sessionMisses)
                                   .arg(c.sessionRequests)
                                   .arg(s.totals.sessionMisses)
                                   .arg(s.totals.sessionRequests));
    } else {
        m_sessions->setText(tr("session misses %1 (%2 %)").arg(s.totals.sessionMisses).arg(whole, 0, 'f', 1));
        m_sessions->setToolTip(tr("Requests that needed a server-side session and landed where it was not"));
    }
    // What the scale-out, mobile and failover presets are about, visible without opening a panel.
    QStringList moves;
    if (s.totals.remappedClients > 0)
        moves << tr("%1 remapped").arg(s.totals.remappedClients);
    if (s.totals.affinityBreaks > 0)
        moves << tr("%1 breaks").arg(s.totals.affinityBreaks);
    if (s.totals.repins > 0)
        moves << tr("%1 re-pins").arg(s.totals.repins);
    m_moves->setText(moves.isEmpty() ? QString() : tr("moved: %1").arg(moves.join(QStringLiteral(", "))));
    m_moves->setVisible(!moves.isEmpty());
    const PolicyDescriptor* d = PolicyCatalog::find(s.policy);
    m_policy->setText(tr("%1 (%2)")
                          .arg(d ? QString::fromStdString(d->name) : QString::fromStdString(s.policy),
                               s.policyStateful ? tr("stateful") : tr("stateless")));
}

} // namespace lblab::ui
