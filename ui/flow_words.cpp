#include "ui/flow_words.h"

#include "ui/backend_palette.h"
#include "ui/shortcut_catalog.h"
#include "ui/ui_text.h"

#include <QFontMetrics>

#include <cmath>

namespace lblab::ui {

QString FlowWords::title() { return tr("Requests: client → balancer → server and back"); }

QString FlowWords::speed(double speed)
{
    if (speed >= 0.999)
        return {};
    return tr("slow motion %1 · ").arg(speed >= 0.45  ? QStringLiteral("1/2")
                                       : speed >= 0.2 ? QStringLiteral("1/4")
                                                      : QStringLiteral("1/10"));
}

QString FlowWords::sampling(bool stepping, int sampleEvery, double rate)
{
    if (stepping)
        return tr("step mode: one request per step (%1)").arg(ShortcutCatalog::step().toString(QKeySequence::NativeText));
    const QString perSecond = tr("%1 requests/s").arg(rate < 10 ? QString::number(rate, 'f', 1)
                                                                : QString::number(std::lround(rate)));
    if (sampleEvery <= 1)
        return tr("every request shown (%1)").arg(perSecond);
    return tr("showing 1 in %1 requests (%2)").arg(sampleEvery).arg(perSecond);
}

QString FlowWords::badge(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::NewPin: return tr("new pin");
    case DecisionKind::Repinned: return tr("re-pin");
    case DecisionKind::Retried: return tr("retry");
    case DecisionKind::GeoFallback: return tr("fallback");
    case DecisionKind::NoBackend: return tr("no server: 503");
    default: return {};
    }
}

QColor FlowWords::badgeColour(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::NewPin: return QColor(0xFF, 0xE0, 0x70);
    case DecisionKind::NoBackend: return BackendPalette::missColour();
    default: return QColor(0xFF, 0xA5, 0x40);
    }
}

QString FlowWords::state(const BackendView& server)
{
    if (server.killed)
        return tr("killed");
    return toQString(toString(server.state));
}

QStringList FlowWords::clientsCaption(std::size_t clients, int perRow)
{
    const QString all = tr("Clients (%1)").arg(clients);
    if (perRow <= 1)
        return {all};
    return {tr("Clients (%1, %2 per row)").arg(clients).arg(perRow), all};
}

QStringList FlowWords::tableCaption(std::size_t pins)
{
    return {tr("Table: %1 pins, latest first").arg(pins), tr("Table: %1 pins").arg(pins), tr("%1 pins").arg(pins)};
}

QStringList FlowWords::balancerCaption(bool stateful, std::size_t pins)
{
    if (!stateful)
        return {tr("Balancer")};
    return {tr("Balancer (%1 pins)").arg(pins), tr("Balancer")};
}

QString FlowWords::fitting(const QFontMetrics& fm, const QStringList& wordings, int width)
{
    for (const QString& w : wordings)
        if (fm.horizontalAdvance(w) <= width)
            return w;
    return wordings.isEmpty() ? QString() : fm.elidedText(wordings.back(), Qt::ElideRight, width);
}

} // namespace lblab::ui
