#pragma once

#include "core/lab/snapshot.h"

#include <QColor>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

class QFontMetrics;

namespace lblab::ui {

/// What the flow view writes, and how it makes a caption fit a narrow view (a 1280 px projector):
/// the longest wording that fits whole, so a caption is shortened rather than cut.
class FlowWords {
    Q_DECLARE_TR_FUNCTIONS(FlowWords)
public:
    /// The header's line on the left.
    static QString title();
    /// The corner note's first words when the run is slowed ("" at full speed).
    static QString speed(double speed);
    /// What the corner note says of the sampling: step mode, every request or 1 in k.
    static QString sampling(bool stepping, int sampleEvery, double rate);
    /// The badge a decision earns at the balancer ("" none), and its colour.
    static QString badge(DecisionKind kind);
    static QColor badgeColour(DecisionKind kind);
    /// A server's state as its box says it ("up", "killed", ...).
    static QString state(const BackendView& server);

    /// The clients column's caption, from "Clients (60, 3 per row)" down to "Clients (60)".
    static QStringList clientsCaption(std::size_t clients, int perRow);
    /// The balancer table's caption, from "Table: 176 pins, latest first" down to "176 pins".
    static QStringList tableCaption(std::size_t pins);
    /// The balancer's caption when it stands above its box (a low view): "Balancer (176 pins)" down to
    /// "Balancer"; a stateless policy keeps no table to count.
    static QStringList balancerCaption(bool stateful, std::size_t pins);

    /// The first of `wordings` (longest first) that fits `width` whole; else the last one, elided.
    static QString fitting(const QFontMetrics& fm, const QStringList& wordings, int width);
};

} // namespace lblab::ui
