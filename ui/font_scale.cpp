#include "ui/font_scale.h"

#include <QApplication>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace lblab::ui {

namespace {
constexpr const char* kFactorProperty = "lblabFontFactor";
constexpr const char* kBoldProperty = "lblabFontBold";
} // namespace

FontScale::FontScale(double basePoints, QObject* parent) : QObject(parent), m_basePoints(basePoints) {}

void FontScale::setScale(double scale)
{
    scale = std::clamp(scale, kMin, kMax);
    if (std::abs(scale - m_scale) < 1e-6 && std::abs(QApplication::font().pointSizeF() - points()) < 0.01)
        return;
    m_scale = scale;
    QFont font = QApplication::font();
    font.setPointSizeF(points());
    QApplication::setFont(font);
    for (QWidget* w : QApplication::allWidgets())
        if (w->property(kFactorProperty).isValid())
            applyRelative(w);
    emit scaleChanged(m_scale);
}

void FontScale::zoomIn() { setScale(m_scale * kStep); }

void FontScale::zoomOut() { setScale(m_scale / kStep); }

void FontScale::reset() { setScale(1.0); }

void FontScale::setRelative(QWidget* widget, double factor, bool bold)
{
    widget->setProperty(kFactorProperty, factor);
    widget->setProperty(kBoldProperty, bold);
    applyRelative(widget);
}

void FontScale::applyRelative(QWidget* widget)
{
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * widget->property(kFactorProperty).toDouble());
    f.setBold(widget->property(kBoldProperty).toBool());
    widget->setFont(f);
}

} // namespace lblab::ui
