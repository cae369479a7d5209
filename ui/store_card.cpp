#include "ui/store_card.h"

#include "ui/font_scale.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace lblab::ui {

namespace {

// Neither a backend's colour nor the miss red: the store belongs to every server.
constexpr const char* kStoreColour = "#37474f";
constexpr const char* kGreen = "#1a7f37";
constexpr const char* kRed = "#c62828";
constexpr const char* kAmber = "#b26a00";

// What a plain session id costs per request, to compare the signed cookie with:
// "SESSIONID=" plus "s1-" and 16 hex digits.
constexpr int kSessionIdCookieBytes = 29;

QString number(std::uint64_t n) { return QLocale(QLocale::English).toString(static_cast<qulonglong>(n)); }

} // namespace

StoreCard::StoreCard(QWidget* parent) : QFrame(parent)
{
    setObjectName("storeCard");
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QString("#storeCard { border: 2px solid %1; border-left: 12px solid %1; border-radius: 4px; }")
                      .arg(kStoreColour));

    m_title = new QLabel(this);
    m_title->setObjectName("storeTitle");
    FontScale::setRelative(m_title, 1.15, true);
    m_title->setStyleSheet(QString("QLabel { background: %1; color: white; padding: 0px 8px; border-radius: 3px; }")
                               .arg(kStoreColour));
    m_state = new QLabel(this);
    FontScale::setRelative(m_state, 1.0, true);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_stats = new QLabel(this);
    m_stats->setTextFormat(Qt::PlainText);
    m_stats->setWordWrap(true); // wraps at large fonts rather than being cut
    // The column's width is the window's to decide: a longer line (killed, more errors) wraps rather
    // than widening the dock and squeezing the map.
    for (QLabel* label : {m_status, m_stats}) {
        QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        policy.setHeightForWidth(true);
        label->setSizePolicy(policy);
    }

    m_kill = new QToolButton(this);
    m_kill->setText(tr("Kill"));
    m_kill->setToolTip(tr("Kill Redis like a crash: every session in it is lost, and every server's "
                          "logged-in users fail at once"));
    m_restore = new QToolButton(this);
    m_restore->setText(tr("Restore"));
    m_restore->setToolTip(tr("Start Redis again, empty: every user must log in once more"));
    for (QToolButton* b : {m_kill, m_restore})
        b->setFocusPolicy(Qt::NoFocus); // a click must not leave Space on the button

    auto* head = new QHBoxLayout;
    head->setSpacing(6);
    head->addWidget(m_title);
    head->addWidget(m_state);
    head->addStretch(1);
    head->addWidget(m_kill);
    head->addWidget(m_restore);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 4, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(head);
    layout->addWidget(m_status);
    layout->addWidget(m_stats);

    connect(m_kill, &QToolButton::clicked, this, &StoreCard::killRequested);
    connect(m_restore, &QToolButton::clicked, this, &StoreCard::restoreRequested);
    showStore(StoreView{});
}

QString StoreCard::titleText() const { return m_title->text(); }
QString StoreCard::stateText() const { return m_state->isVisibleTo(this) ? m_state->text() : QString(); }
QString StoreCard::statusText() const { return m_status->text(); }
QString StoreCard::statsText() const { return m_stats->isVisibleTo(this) ? m_stats->text() : QString(); }

QString StoreCard::latencyText(std::uint32_t us)
{
    if (us < 1000)
        return tr("%1 µs").arg(us);
    return tr("%1 ms").arg(us / 1000.0, 0, 'f', us < 10'000 ? 2 : 1);
}

void StoreCard::setBadge(const QString& text, const QString& colour)
{
    m_state->setVisible(!text.isEmpty());
    if (m_state->text() == text)
        return;
    m_state->setText(text);
    m_state->setStyleSheet(QString("QLabel { color: white; background: %1; padding: 1px 8px; border-radius: 3px; }")
                               .arg(colour));
}

void StoreCard::setStatus(const QString& text, const QString& colour, bool bold)
{
    if (m_status->text() != text)
        m_status->setText(text);
    // A palette, not a style sheet: a style-sheeted label keeps its font when the text is scaled.
    QPalette p = m_status->palette();
    if (p.color(QPalette::WindowText) != QColor(colour)) {
        p.setColor(QPalette::WindowText, QColor(colour));
        m_status->setPalette(p);
    }
    if (m_status->font().bold() != bold)
        FontScale::setRelative(m_status, 1.0, bold);
}

void StoreCard::setStats(const QString& text)
{
    m_stats->setVisible(!text.isEmpty());
    if (m_stats->text() != text)
        m_stats->setText(text);
}

void StoreCard::showStore(const StoreView& store)
{
    m_kind = store.kind;
    const bool shared = store.kind == SessionStoreKind::Shared;
    m_kill->setVisible(shared);
    m_restore->setVisible(shared);
    m_kill->setEnabled(shared && !store.killed);
    m_restore->setEnabled(shared && store.killed);
    // The latency the store added in the last interval (the whole run's before the first one ends).
    const bool interval = !store.history.empty();
    const std::uint64_t ops = interval ? store.history.back().ops : store.run.ops;
    const std::uint32_t p50 = interval ? store.history.back().p50Us : store.run.p50Us;
    const std::uint32_t p99 = interval ? store.history.back().p99Us : store.run.p99Us;
    const QString latency = ops == 0 ? tr("—") : tr("p50 %1 / p99 %2").arg(latencyText(p50), latencyText(p99));
    const QString rate = tr("%1 ops/s").arg(store.opsPerSecond, 0, 'f', 0);

    switch (store.kind) {
    case SessionStoreKind::Local:
        m_title->setText(tr("Sessions: on each server"));
        setBadge({}, {});
        setStatus(tr("a server that dies takes its users' sessions with it"), QStringLiteral("#444444"), false);
        setStats({});
        setToolTip(QString::fromStdString(std::string(SessionStoreCatalog::description(store.kind))));
        return;
    case SessionStoreKind::Shared: {
        m_title->setText(tr("Session store: Redis"));
        if (store.killed) {
            setBadge(tr("KILLED"), kRed);
            setStatus(tr("killed: every session lost, on every server at once"), kRed, true);
        } else if (!store.up) {
            setBadge(tr("NOT ANSWERING"), kAmber);
            setStatus(tr("not answering: requests that need a session fail on every server"), kAmber, true);
        } else {
            setBadge(tr("UP"), kGreen);
            setStatus(tr("up: every server reads and writes its sessions here"), kGreen, false);
        }
        const QString keys = store.keys < 0 ? tr("keys ?") : tr("%1 keys").arg(number(static_cast<std::uint64_t>(store.keys)));
        setStats(tr("%1 · added %2 · %3 · %4 errors")
                     .arg(rate, latency, keys, number(store.run.errors)));
        break;
    }
    case SessionStoreKind::Client: {
        m_title->setText(tr("Session store: signed cookie"));
        setBadge({}, {});
        setStatus(tr("no server keeps anything: the cookie carries the session"), kGreen, false);
        const QString cookie = store.run.tokens == 0
            ? tr("no cookie sent yet")
            : tr("cookie %1 B per request (a session id is %2 B)")
                  .arg(std::lround(store.run.meanTokenBytes()))
                  .arg(kSessionIdCookieBytes);
        setStats(tr("%1 · sign/check %2 · %3 · %4 invalid tokens refused")
                     .arg(rate, latency, cookie, number(store.run.invalidTokens)));
        break;
    }
    }
    setToolTip(QString::fromStdString(std::string(SessionStoreCatalog::description(store.kind))) +
               tr("\nWhole run: %1 operations, %2 errors, p50 %3 / p99 %4 added per operation.")
                   .arg(number(store.run.ops), number(store.run.errors), latencyText(store.run.p50Us),
                        latencyText(store.run.p99Us)));
}

} // namespace lblab::ui
