#include "ui/server_card.h"

#include "ui/backend_palette.h"
#include "ui/font_scale.h"
#include "ui/number_field.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace lblab::ui {

namespace {

QString milliseconds(std::uint32_t us) { return QString::number(us / 1000.0, 'f', us < 10'000 ? 2 : 1) + " ms"; }

QString css(const QColor& c) { return c.name(QColor::HexRgb); }

} // namespace

ServerCard::ServerCard(int index, const QString& name, QWidget* parent)
    : QFrame(parent), m_index(index), m_name(name)
{
    setObjectName("serverCard");
    setFrameShape(QFrame::StyledPanel);
    const QColor colour = BackendPalette::colourFor(index);
    // A thick left edge in the backend's colour ties the card to its tiles and chart lines.
    setStyleSheet(QString("#serverCard { border: 2px solid %1; border-left: 12px solid %1; border-radius: 4px; }")
                      .arg(css(colour)));

    m_title = new QLabel(name, this);
    FontScale::setRelative(m_title, 1.3, true);
    m_title->setStyleSheet(QString("QLabel { background: %1; color: %2; padding: 0px 8px; border-radius: 3px; }")
                               .arg(css(colour), css(BackendPalette::textOn(index))));

    m_state = new QLabel(this);
    FontScale::setRelative(m_state, 1.0, true);

    m_stats = new QLabel(this);
    m_stats->setTextFormat(Qt::PlainText);
    m_stats->setWordWrap(true); // wraps at large fonts rather than being cut

    // Compact: one row of name, state and commands above the figures, so three or more cards fit
    // beside the map at 1600x1000.
    // Tool buttons: a push button's padding made the row too wide for the column at large text.
    m_kill = new QToolButton(this);
    m_kill->setText(tr("Kill"));
    m_drain = new QToolButton(this);
    m_drain->setText(tr("Drain"));
    m_remove = new QToolButton(this);
    m_remove->setText(QStringLiteral("✕"));
    m_weight = new NumberField(tr("Weight of %1").arg(name), this);
    m_weight->setRange(0, 100);
    m_weight->setPrefix(tr("weight "));
    m_kill->setToolTip(tr("Stop this server like a crash (it loses its sessions), or start it again"));
    m_drain->setToolTip(tr("Draining keeps pinned clients but takes no new ones"));
    m_remove->setToolTip(tr("Remove %1 from the set").arg(name));
    m_weight->setToolTip(tr("Weight: how much of the load this server takes under the weighted policies"));
    for (QToolButton* b : {m_kill, m_drain, m_remove})
        b->setFocusPolicy(Qt::NoFocus); // a click must not leave Space on the button

    auto* head = new QHBoxLayout;
    head->setSpacing(6);
    head->addWidget(m_title);
    head->addWidget(m_state);
    head->addStretch(1);
    head->addWidget(m_weight);
    head->addWidget(m_kill);
    head->addWidget(m_drain);
    head->addWidget(m_remove);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 4, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(head);
    layout->addWidget(m_stats);

    connect(m_kill, &QToolButton::clicked, this, [this] {
        if (m_killed)
            emit restoreRequested(m_name);
        else
            emit killRequested(m_name);
    });
    connect(m_drain, &QToolButton::clicked, this, [this] { emit drainRequested(m_name, !m_draining); });
    connect(m_remove, &QToolButton::clicked, this, [this] { emit removeRequested(m_name); });
    connect(m_weight, &NumberField::inputCorrected, this, &ServerCard::inputCorrected);
    connect(m_weight, &QSpinBox::valueChanged, this, [this](int w) { emit weightRequested(m_name, w); });
}

QString ServerCard::stateText() const { return m_state->text(); }

QString ServerCard::statsText() const { return m_stats->text(); }

void ServerCard::showServer(const BackendView& server, bool keepsSessions)
{
    m_killed = server.killed;
    m_draining = server.state == BackendState::Draining;
    QString state;
    QString colour;
    switch (server.state) {
    case BackendState::Up: state = tr("UP"); colour = "#1a7f37"; break;
    case BackendState::Down: state = server.killed ? tr("KILLED") : tr("DOWN"); colour = "#c62828"; break;
    case BackendState::Draining: state = tr("DRAINING"); colour = "#b26a00"; break;
    case BackendState::Removed: state = tr("REMOVED"); colour = "#666666"; break;
    }
    if (server.state != BackendState::Down && server.killed) {
        state = tr("KILLED");
        colour = "#c62828";
    }
    if (m_state->text() != state) {
        m_state->setText(state);
        m_state->setStyleSheet(QString("QLabel { color: white; background: %1; padding: 1px 8px; border-radius: 3px; }")
                                   .arg(colour));
    }
    // One line at the normal text size (it wraps when the text is scaled up), so three cards fit.
    QString stats = keepsSessions ? tr("%1 req/s · %2 active · %3 sessions · p99 %4")
                                        .arg(server.rps, 0, 'f', 0)
                                        .arg(server.active)
                                        .arg(server.sessions)
                                        .arg(milliseconds(server.p99Us))
                                  : tr("%1 req/s · %2 active · p99 %3")
                                        .arg(server.rps, 0, 'f', 0)
                                        .arg(server.active)
                                        .arg(milliseconds(server.p99Us));
    if (server.sessionMisses > 0)
        stats += tr(" · %1 misses").arg(server.sessionMisses);
    if (server.errors > 0)
        stats += tr(" · %1 errors").arg(server.errors);
    setToolTip(tr("%1: %2 requests since the start, latency p50 %3 / p99 %4 in the last interval, %5 errors, "
                  "%6 session misses")
                   .arg(m_name)
                   .arg(server.requests)
                   .arg(milliseconds(server.p50Us), milliseconds(server.p99Us))
                   .arg(server.errors)
                   .arg(server.sessionMisses));
    if (m_stats->text() != stats)
        m_stats->setText(stats);
    m_kill->setText(m_killed ? tr("Restore") : tr("Kill"));
    m_drain->setText(m_draining ? tr("Undrain") : tr("Drain"));
    m_drain->setEnabled(!m_killed);
    // Never overwrite what the user is typing.
    if (!m_weight->hasFocus() && m_weight->value() != server.weight) {
        const QSignalBlocker block(m_weight);
        m_weight->setValue(server.weight);
    }
}

} // namespace lblab::ui
