#include "ui/map_legend.h"

#include "ui/tile_marks.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPalette>

#include <algorithm>

namespace lblab::ui {

namespace {

constexpr int kLineGap = 4;

int swatchSide(const QFontMetrics& fm) { return std::max(8, fm.height() - 2); }

} // namespace

bool MapLegend::setEntries(std::vector<Entry> entries)
{
    bool same = entries.size() == m_entries.size();
    for (std::size_t i = 0; same && i < entries.size(); ++i)
        same = entries[i].widest == m_entries[i].widest;
    if (same) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            entries[i].rect = m_entries[i].rect;
    }
    m_entries = std::move(entries);
    return !same;
}

int MapLegend::layout(const QFontMetrics& fm, const QRect& bounds)
{
    const int sw = swatchSide(fm);
    const int lineHeight = std::max(sw, fm.height()) + kLineGap;
    const int spacing = std::max(10, fm.averageCharWidth() * 2);
    const int width = std::max(1, bounds.width());
    int x = 0;
    int y = 0;
    int lines = m_entries.empty() ? 0 : 1;
    for (Entry& e : m_entries) {
        const int w = std::min(width, sw + 4 + fm.horizontalAdvance(e.widest) + 2);
        if (x > 0 && x + w > width) {
            x = 0;
            y += lineHeight;
            ++lines;
        }
        e.rect = QRect(bounds.left() + x, bounds.top() + y, w, lineHeight - kLineGap);
        x += w + spacing;
    }
    m_height = lines * lineHeight;
    return m_height;
}

void MapLegend::paint(QPainter& p, const QPalette& palette, const QFontMetrics& fm) const
{
    const int sw = swatchSide(fm);
    const QColor neutral(110, 110, 110);
    for (const Entry& e : m_entries) {
        const QRect swatch(e.rect.left(), e.rect.top() + (e.rect.height() - sw) / 2, sw, sw);
        const QRectF sf(swatch);
        p.setRenderHint(QPainter::Antialiasing, true);
        switch (e.swatch) {
        case Swatch::Colour: p.fillRect(swatch, e.colour); break;
        case Swatch::Pinned:
            p.fillRect(swatch, neutral);
            TileMarks::drawPin(p, sf);
            break;
        case Swatch::IpChange:
            p.fillRect(swatch, neutral);
            TileMarks::drawIpRing(p, sf, 1.0);
            break;
        case Swatch::Miss:
            p.fillRect(swatch, neutral);
            TileMarks::drawMiss(p, sf, 1.0);
            break;
        case Swatch::Moved:
            p.fillRect(swatch, e.second);
            TileMarks::drawMoved(p, swatch, e.colour, 1.0);
            break;
        case Swatch::Outside: TileMarks::drawOutside(p, sf, neutral); break;
        case Swatch::Grouped: {
            QRect left = swatch;
            left.setWidth(sw / 2);
            p.fillRect(left, e.colour);
            p.fillRect(QRect(left.right() + 1, swatch.top(), sw - left.width(), sw), e.second);
            break;
        }
        }
        const QRect textRect(swatch.right() + 5, e.rect.top(), e.rect.right() - swatch.right() - 4, e.rect.height());
        p.setPen(palette.color(QPalette::Text));
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(e.text, Qt::ElideRight, textRect.width()));
    }
}

} // namespace lblab::ui
