#include "ui/qr_code_widget.h"

#include <QPainter>

#include <qrencode.h>

#include <algorithm>
#include <memory>

namespace lblab::ui {

namespace {

constexpr int kMinimumModulePixels = 3; // below this a phone's camera struggles, even on a screen
constexpr int kPreferredModulePixels = 8;

} // namespace

QrCodeWidget::QrCodeWidget(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

bool QrCodeWidget::setText(const QString& text)
{
    m_text = text;
    m_version = 0;
    m_modules = 0;
    m_dark.clear();
    bool ok = text.isEmpty();
    if (!text.isEmpty()) {
        const QByteArray bytes = text.toUtf8();
        const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
            QRcode_encodeString(bytes.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
        if (code) {
            m_version = code->version;
            m_modules = code->width;
            m_dark.resize(static_cast<std::size_t>(m_modules) * static_cast<std::size_t>(m_modules));
            for (std::size_t i = 0; i < m_dark.size(); ++i)
                m_dark[i] = (code->data[i] & 1) != 0; // bit 0: dark module; the other bits say what kind
            ok = true;
        }
    }
    updateGeometry();
    update();
    return ok;
}

bool QrCodeWidget::isDark(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_modules || y >= m_modules)
        return false;
    return m_dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(m_modules) + static_cast<std::size_t>(x)];
}

int QrCodeWidget::modulePixels() const
{
    if (m_modules == 0)
        return 0;
    const int side = std::min(width(), height());
    return side / (m_modules + 2 * kQuietModules); // whole pixels: every module edge is sharp
}

QPoint QrCodeWidget::origin() const
{
    const int total = modulePixels() * (m_modules + 2 * kQuietModules);
    return {(width() - total) / 2, (height() - total) / 2};
}

QRect QrCodeWidget::moduleRect(int x, int y) const
{
    const int px = modulePixels();
    const QPoint o = origin();
    return {o.x() + (kQuietModules + x) * px, o.y() + (kQuietModules + y) * px, px, px};
}

QSize QrCodeWidget::sizeHint() const
{
    const int side = (std::max(m_modules, 21) + 2 * kQuietModules) * kPreferredModulePixels;
    return {side, side};
}

QSize QrCodeWidget::minimumSizeHint() const
{
    const int side = (std::max(m_modules, 21) + 2 * kQuietModules) * kMinimumModulePixels;
    return {side, side};
}

void QrCodeWidget::paintEvent(QPaintEvent*)
{
    const int px = modulePixels();
    if (px == 0)
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPoint o = origin();
    const int total = px * (m_modules + 2 * kQuietModules);
    // Always black on white, whatever the palette: a dark theme's inverted code scans badly.
    p.fillRect(QRect(o, QSize(total, total)), Qt::white);
    for (int y = 0; y < m_modules; ++y)
        for (int x = 0; x < m_modules; ++x)
            if (isDark(x, y))
                p.fillRect(moduleRect(x, y), Qt::black);
}

} // namespace lblab::ui
