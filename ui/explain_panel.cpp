#include "ui/explain_panel.h"

#include "core/engines/engine_catalog.h"
#include "ui/backend_palette.h"
#include "ui/policy_explanations.h"

#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

namespace lblab::ui {

namespace {

QString number(std::uint64_t n) { return QLocale(QLocale::English).toString(static_cast<qulonglong>(n)); }

QString escaped(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

// "26%" for most values, "0.4%" when a whole number would hide a small share.
QString percent(std::uint64_t part, std::uint64_t whole)
{
    if (whole == 0)
        return QStringLiteral("0%");
    const double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    const int decimals = (p > 0 && p < 10) ? 1 : 0;
    return QLocale(QLocale::English).toString(p, 'f', decimals) + QLatin1Char('%');
}

// "1 client" / "2 clients".
QString count(std::uint64_t n, const QString& one, const QString& many)
{
    return number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

// The engine's note as rich text: `directive` in code font.
QString engineNoteHtml(EngineKind engine, const std::string& policyId)
{
    const std::string note = EngineCatalog::note(engine, policyId);
    if (engine == EngineKind::Builtin || note.empty())
        return {};
    static const QRegularExpression code(QStringLiteral("`([^`]*)`"));
    QString text = escaped(note);
    text.replace(code, QStringLiteral("<code>\\1</code>"));
    return ExplainPanel::tr("<p><b>In %1:</b> %2</p>")
        .arg(QString::fromStdString(std::string(EngineCatalog::displayName(engine))), text);
}

QLabel* makeLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label; // the application's font (12 pt at scale 1), so it follows the window's text size

}

} // namespace

ExplainPanel::ExplainPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* content = new QWidget;
    m_preset = makeLabel(content);
    m_policy = makeLabel(content);
    m_store = makeLabel(content);
    m_outcome = makeLabel(content);
    m_preset->setText(tr("<p>Choose a preset to see what it teaches.</p>"));

    m_sections = new QVBoxLayout(content);
    m_sections->setContentsMargins(14, 10, 14, 10);
    m_sections->setSpacing(14);
    m_sections->addWidget(m_preset);
    m_sections->addWidget(m_policy);
    m_sections->addWidget(m_store);
    m_sections->addWidget(m_outcome);
    m_sections->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

QString ExplainPanel::presetText() const { return m_preset->text(); }
QString ExplainPanel::policyText() const { return m_policy->text(); }
QString ExplainPanel::storeText() const { return m_store->text(); }
QString ExplainPanel::outcomeText() const { return m_outcome->text(); }

void ExplainPanel::showPreset(const lblab::LabConfig& config)
{
    const QString title = config.title.empty() ? escaped(config.preset) : escaped(config.title);
    QString html = QStringLiteral("<p style='font-size:16pt; font-weight:600'>%1</p>").arg(title);
    if (!config.whatItShows.empty())
        html += tr("<p><b>What it shows.</b> %1</p>").arg(escaped(config.whatItShows));
    if (!config.whatToWatch.empty())
        html += tr("<p><b>What to watch.</b> %1</p>").arg(escaped(config.whatToWatch));
    m_preset->setText(html);
}

void ExplainPanel::setEngine(EngineKind engine)
{
    if (engine == m_engine)
        return;
    m_engine = engine;
    if (m_hasPolicy)
        m_policy->setText(describePolicy(m_policyId, m_engine));
}

QString ExplainPanel::describePolicy(const std::string& policyId, EngineKind engine)
{
    const PolicyExplanation* e = findPolicyExplanation(policyId);
    if (!e)
        return tr("<p style='font-size:14pt; font-weight:600'>Policy: %1</p><p>No explanation for this policy yet.</p>")
                   .arg(escaped(policyId))
               + engineNoteHtml(engine, policyId);
    const QString kind = e->stateful
        ? tr("stateful: it keeps a table of pins, listed in the Sessions panel")
        : tr("stateless: it remembers nothing between requests");
    return tr("<p style='font-size:14pt; font-weight:600'>Policy: %1 <span style='font-weight:400'>(%2)</span></p>"
              "<p><b>It decides from:</b> %3</p>"
              "<p><b>Watch:</b> %4</p>"
              "<p><b>Its weakness:</b> %5</p>")
        .arg(e->name.toHtmlEscaped(), kind, e->decidesFrom.toHtmlEscaped(), e->watch.toHtmlEscaped(),
             e->weakness.toHtmlEscaped())
        + engineNoteHtml(engine, policyId);
}

QString ExplainPanel::describeStore(const StoreView& store)
{
    const QString name = QString::fromStdString(std::string(SessionStoreCatalog::displayName(store.kind)));
    QString html = tr("<p style='font-size:14pt; font-weight:600'>Where sessions live: %1</p><p>%2</p>")
                       .arg(name.toHtmlEscaped(), escaped(std::string(SessionStoreCatalog::description(store.kind))));
    if (const QString note = sessionStoreNote(store.kind); !note.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(note.toHtmlEscaped());
    if (store.kind != SessionStoreKind::Shared)
        return html;
    const QString red = BackendPalette::missColour().name();
    if (store.killed)
        html += tr("<p><b style='color:%1'>The store is dead, and every session with it.</b> No server can read "
                   "any session, so every server's logged-in users fail at once, whichever server they reach. "
                   "Compare killing one server under a sticky policy: only the users pinned to it lose their "
                   "session. When Redis comes back it is empty, and every user logs in again.</p>")
                    .arg(red);
    else if (!store.up)
        html += tr("<p><b style='color:%1'>The store is not answering:</b> every server's requests that need "
                   "a session fail until it does.</p>")
                    .arg(red);
    return html;
}

QString ExplainPanel::describeOutcome(const lblab::Snapshot& snapshot)
{
    const Totals& t = snapshot.totals;
    QStringList lines;
    lines << tr("%1 so far, %2.")
                 .arg(count(t.requests, tr("request"), tr("requests")),
                      t.errors == 0 ? tr("no errors") : count(t.errors, tr("error"), tr("errors")));
    // Where the sessions live says what a miss is: a server that never saw the login, or a store
    // that was down or had lost them.
    const bool shared = snapshot.store.kind == SessionStoreKind::Shared;
    if (t.sessionRequests == 0)
        lines << tr("No request has needed a session yet.");
    else if (t.sessionMisses == 0)
        lines << (shared ? tr("All %1 account requests found their session in the shared store.")
                         : snapshot.store.kind == SessionStoreKind::Client
                         ? tr("All %1 account requests carried their session in a valid signed cookie.")
                         : tr("All %1 account requests found their session on the server they reached."))
                     .arg(number(t.sessionRequests));
    else
        lines << (shared ? tr("<b>%1 of %2 account requests (%3) lost their session</b>: the shared store was "
                              "down, or had lost it when it died.")
                         : tr("<b>%1 of %2 account requests (%3) missed their session</b>: they reached a server "
                              "that never saw the user log in."))
                     .arg(number(t.sessionMisses), number(t.sessionRequests),
                          percent(t.sessionMisses, t.sessionRequests));
    if (t.invalidSessions > 0)
        lines << tr("%1 refused: tampered with, expired or malformed.")
                     .arg(count(t.invalidSessions, tr("signed cookie was"), tr("signed cookies were")));
    if (t.ipChanges == 0)
        lines << tr("No client has changed its IP address yet.");
    else
        lines << tr("Clients changed their IP address %1; %2 moved to another server because of it "
                    "(affinity breaks).")
                     .arg(count(t.ipChanges, tr("time"), tr("times")),
                          count(t.affinityBreaks, tr("client"), tr("clients")));
    if (t.repins > 0)
        lines << tr("%1 moved to a new server because theirs was down or gone (re-pins).")
                     .arg(count(t.repins, tr("pin"), tr("pins")));
    if (t.remappedClients > 0)
        lines << tr("%1 moved to another server when the set of servers or the policy changed.")
                     .arg(count(t.remappedClients, tr("client"), tr("clients")));
    if (t.retries > 0)
        lines << tr("%1 retried on another server after the first one failed.")
                     .arg(count(t.retries, tr("request was"), tr("requests were")));
    lines << (snapshot.policyStateful
                  ? tr("The policy's table holds %1.")
                        .arg(count(snapshot.tableSize, tr("pin"), tr("pins")))
                  : tr("The policy keeps no table."));

    QString html = tr("<p style='font-size:14pt; font-weight:600'>What happened so far</p><ul>");
    for (const QString& line : lines)
        html += QStringLiteral("<li>%1</li>").arg(line);
    html += QStringLiteral("</ul>");
    return html;
}

void ExplainPanel::showSnapshot(const lblab::Snapshot& snapshot)
{
    const int storeKey = static_cast<int>(snapshot.store.kind) * 4 + (snapshot.store.up ? 2 : 0) +
                         (snapshot.store.killed ? 1 : 0);
    if (storeKey != m_storeKey) {
        m_storeKey = storeKey;
        m_store->setText(describeStore(snapshot.store));
        // A shared or signed store is the run's lesson: it comes before the policy, which it makes
        // matter less. Sessions on each server, the usual case, come after it.
        const bool local = snapshot.store.kind == SessionStoreKind::Local;
        m_sections->removeWidget(m_store);
        m_sections->insertWidget(m_sections->indexOf(m_policy) + (local ? 1 : 0), m_store);
    }
    if (!m_hasPolicy || snapshot.policy != m_policyId) {
        m_policyId = snapshot.policy;
        m_hasPolicy = true;
        m_policy->setText(describePolicy(m_policyId, m_engine));
    }
    const Totals& t = snapshot.totals;
    const std::array<std::uint64_t, 11> key = {
        t.requests, t.errors, t.sessionRequests, t.sessionMisses, t.ipChanges, t.affinityBreaks,
        t.repins,   t.remappedClients, t.retries, snapshot.policyStateful ? snapshot.tableSize + 1 : 0,
        t.invalidSessions};
    if (m_hasOutcome && key == m_outcomeKey)
        return; // nothing changed: setText would relayout for nothing
    // The request count moves with every frame; a few updates a second are enough to read it.
    const bool onlyCounts = m_hasOutcome && std::equal(key.begin() + 2, key.end(), m_outcomeKey.begin() + 2);
    if (onlyCounts && snapshot.tUs >= m_outcomeUs && snapshot.tUs - m_outcomeUs < 250'000)
        return;
    m_outcomeKey = key;
    m_outcomeUs = snapshot.tUs;
    m_hasOutcome = true;
    m_outcome->setText(describeOutcome(snapshot));
}

} // namespace lblab::ui
