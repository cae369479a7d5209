#pragma once

#include <QColor>
#include <QRect>
#include <QString>

#include <cstdint>
#include <vector>

class QFontMetrics;
class QPainter;
class QPalette;

namespace lblab::ui {

/// The assignment map's legend: a swatch and a label per entry, flowed onto as many lines as the
/// width needs, so no label is ever cut, at any font size. Room is reserved for the widest text an
/// entry may show (its count at its largest), so changing counts never move the layout.
class MapLegend {
public:
    /// What an entry's swatch shows.
    enum class Swatch : std::uint8_t { Colour, Pinned, IpChange, Miss, Moved, Outside, Grouped };

    /// One entry.
    struct Entry {
        Swatch swatch = Swatch::Colour;
        QColor colour;   ///< the fill (Colour); the previous server's colour (Moved)
        QColor second;   ///< Moved: the current server's colour; Grouped: the second stripe
        QString text;    ///< what the label says now
        QString widest;  ///< what the layout reserves room for
        QRect rect;      ///< where the entry is drawn, after layout()
    };

    /// Replaces the entries, keeping the rects if the reserved texts did not change; returns true
    /// when the layout must be redone.
    bool setEntries(std::vector<Entry> entries);
    /// Flows the entries into `bounds` (its top-left and width) and returns the height used.
    int layout(const QFontMetrics& fm, const QRect& bounds);
    /// Draws the entries where layout() put them.
    void paint(QPainter& p, const QPalette& palette, const QFontMetrics& fm) const;

    /// The entries (with their rects).
    const std::vector<Entry>& entries() const { return m_entries; }
    /// Height used by the last layout().
    int height() const { return m_height; }

private:
    std::vector<Entry> m_entries;
    int m_height = 0;
};

} // namespace lblab::ui
