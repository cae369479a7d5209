#pragma once

#include <QApplication>
#include <QFont>

namespace lblab::test {

/// The application font at `points` while it lives, as the lab sets it (12 pt, readable from the
/// back of a classroom; times 1.3 in presentation mode); the font before comes back after.
class ScopedAppFont {
public:
    explicit ScopedAppFont(double points) : m_before(QApplication::font())
    {
        QFont f = m_before;
        f.setPointSizeF(points);
        QApplication::setFont(f);
    }
    ~ScopedAppFont() { QApplication::setFont(m_before); }
    ScopedAppFont(const ScopedAppFont&) = delete;
    ScopedAppFont& operator=(const ScopedAppFont&) = delete;

private:
    QFont m_before;
};

} // namespace lblab::test
