#include "ui/elided_label.h"

#include <QPainter>

namespace lblab::ui {

ElidedLabel::ElidedLabel(QWidget* parent, bool fill) : QLabel(parent)
{
    setSizePolicy(fill ? QSizePolicy::Ignored : QSizePolicy::Preferred, QSizePolicy::Preferred);
    setMinimumWidth(0);
}

QSize ElidedLabel::minimumSizeHint() const { return {0, QLabel::minimumSizeHint().height()}; }

void ElidedLabel::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setPen(palette().color(foregroundRole()));
    const QRect r = contentsRect();
    p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, fontMetrics().elidedText(text(), Qt::ElideRight, r.width()));
}

} // namespace lblab::ui
