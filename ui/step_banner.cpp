#include "ui/step_banner.h"

#include "core/record/why_text.h"

#include "ui/backend_palette.h"
#include "ui/shortcut_catalog.h"
#include "ui/ui_text.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

#include <string>
#include <vector>

namespace lblab::ui {

namespace {

/// How much larger than the window's text the headline and the reason are.
constexpr double kLarge = 1.6;
/// A step's request reaches the balancer after the step; a little earlier still counts (an outside
/// engine's log times come from its own clock).
constexpr std::int64_t kStepSlackUs = 50'000;

QString backendName(int backend, const Snapshot& s)
{
    if (backend < 0 || backend >= static_cast<int>(s.servers.size()))
        return QObject::tr("no server");
    return toQString(s.servers[static_cast<std::size_t>(backend)].name);
}

QString sessionText(SessionOutcome outcome)
{
    switch (outcome) {
    case SessionOutcome::None: return QObject::tr("needs no session");
    case SessionOutcome::Created: return QObject::tr("logged in: a session was created on that server");
    case SessionOutcome::Hit: return QObject::tr("session found on that server");
    case SessionOutcome::Miss: return QObject::tr("session LOST: that server does not hold it");
    case SessionOutcome::Invalid: return QObject::tr("session cookie refused");
    case SessionOutcome::Unavailable: return QObject::tr("session store did not answer");
    }
    return {};
}

} // namespace

StepBanner::StepBanner(QWidget* parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xFF, 0xF4, 0xC2));
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    m_headline = new QLabel(this);
    m_why = new QLabel(this);
    m_outcome = new QLabel(this);
    m_hint = new QLabel(tr("%1: let the next request through · %2: run freely again")
                            .arg(ShortcutCatalog::step().toString(QKeySequence::NativeText),
                                 ShortcutCatalog::run().toString(QKeySequence::NativeText)),
                        this);
    m_headline->setTextFormat(Qt::RichText);
    m_why->setTextFormat(Qt::PlainText);
    m_outcome->setTextFormat(Qt::RichText);
    for (QLabel* label : {m_headline, m_why, m_outcome, m_hint}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 8, 14, 8);
    layout->setSpacing(4);
    layout->addWidget(m_headline);
    layout->addWidget(m_why);
    layout->addWidget(m_outcome);
    layout->addWidget(m_hint);
    applyFonts();
    hide();
}

QString StepBanner::headline() const { return m_headline->text(); }

QString StepBanner::why() const { return m_why->text(); }

QString StepBanner::outcome() const { return m_outcome->text(); }

QString StepBanner::reasonText(const RequestEvent& event, const Snapshot& snapshot)
{
    std::vector<std::string> names;
    names.reserve(snapshot.servers.size());
    for (const BackendView& server : snapshot.servers)
        names.push_back(server.name);
    return toQString(whyText(event, names));
}

void StepBanner::showSnapshot(const Snapshot& snapshot)
{
    setVisible(snapshot.stepping);
    if (!snapshot.stepping)
        return;
    if (snapshot.steps != m_step) {
        m_step = snapshot.steps;
        m_event.reset();
    }
    if (!m_event && m_step > 0) {
        for (auto it = snapshot.recentRequests.rbegin(); it != snapshot.recentRequests.rend(); ++it) {
            if (it->clientId == snapshot.stepClient && it->tUs >= snapshot.stepUs - kStepSlackUs) {
                m_event = *it;
                break;
            }
        }
    }
    render(snapshot);
}

void StepBanner::render(const Snapshot& s)
{
    if (m_step == 0) {
        m_headline->setText(tr("Step mode: the generated users wait"));
        m_why->setText(tr("Press %1 to let exactly one request through.").arg(ShortcutCatalog::step().toString(QKeySequence::NativeText)));
        m_outcome->clear();
        return;
    }
    if (!m_event) {
        m_headline->setText(tr("Step %1: %2 sends one request…").arg(m_step).arg(toQString(s.stepClient)));
        m_why->clear();
        m_outcome->clear();
        return;
    }
    const RequestEvent& e = *m_event;
    const QColor colour = BackendPalette::colourFor(e.backend);
    const QString chip = QStringLiteral("<span style='background-color:%1; color:%2'>&nbsp;%3&nbsp;</span>")
                             .arg(colour.name(), BackendPalette::textOn(colour).name(), backendName(e.backend, s).toHtmlEscaped());
    m_headline->setText(tr("Step %1: <b>%2</b> from %3 → %4")
                            .arg(m_step)
                            .arg(toQString(e.clientId).toHtmlEscaped(), toQString(formatIpv4(e.clientIp)), chip));
    m_why->setText(tr("Why: %1").arg(reasonText(e, s)));
    const bool lost = lostSession(e.session);
    const QString session = sessionText(e.session).toHtmlEscaped();
    m_outcome->setText(QStringLiteral("%1 %2 · %3 · %4")
                           .arg(toQString(e.method).toHtmlEscaped(), toQString(e.path).toHtmlEscaped())
                           .arg(e.status)
                           .arg(lost ? QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                                           .arg(BackendPalette::missColour().name(), session)
                                     : session));
}

void StepBanner::applyFonts()
{
    m_applyingFonts = true;
    QFont large = font();
    large.setPointSizeF(font().pointSizeF() * kLarge);
    m_headline->setFont(large);
    m_why->setFont(large);
    QFont medium = font();
    medium.setPointSizeF(font().pointSizeF() * 1.2);
    m_outcome->setFont(medium);
    m_applyingFonts = false;
}

void StepBanner::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    // The window's text size (Ctrl+=, presentation mode) reaches the banner: its large type follows.
    if (event->type() == QEvent::FontChange && !m_applyingFonts)
        applyFonts();
}

} // namespace lblab::ui
