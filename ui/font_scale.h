#pragma once

#include <QObject>

class QWidget;

namespace lblab::ui {

/// One font size for the whole window, scaled as one (Ctrl+= / Ctrl+- / Ctrl+0): the application
/// font is the base size times the scale, and widgets that show text larger or bolder than the rest
/// (headings, card titles) keep their proportion through setRelative().
class FontScale : public QObject {
    Q_OBJECT
public:
    /// Smallest and largest scale; one zoom step multiplies by kStep.
    static constexpr double kMin = 0.6;
    static constexpr double kMax = 3.0;
    static constexpr double kStep = 1.15;

    /// A scale of 1 over `basePoints` (the application font's size at scale 1).
    explicit FontScale(double basePoints, QObject* parent = nullptr);

    /// The current scale (1 = base size).
    double scale() const { return m_scale; }
    /// Point size of the application font now.
    double points() const { return m_basePoints * m_scale; }
    /// Sets the scale (clamped), resizes the application font and every relative font, emits scaleChanged.
    void setScale(double scale);

    /// Gives `widget` a font `factor` times the application font (bold if asked), kept in proportion
    /// when the scale changes.
    static void setRelative(QWidget* widget, double factor, bool bold = false);

public slots:
    /// One step larger.
    void zoomIn();
    /// One step smaller.
    void zoomOut();
    /// Back to scale 1.
    void reset();

signals:
    /// The scale changed (charts and other painted text follow it).
    void scaleChanged(double scale);

private:
    static void applyRelative(QWidget* widget);

    double m_basePoints;
    double m_scale = 1.0;
};

} // namespace lblab::ui
