#pragma once

#include <QRect>
#include <QString>
#include <QWidget>

#include <vector>

namespace lblab::ui {

/// A QR code of a short text (the lab's join URL), encoded by libqrencode and painted module by
/// module on whole pixels, dark on white, with the standard four-module quiet zone, centred and as
/// large as the widget allows: crisp enough to scan from a projector at the back of a room.
class QrCodeWidget : public QWidget {
    Q_OBJECT
public:
    /// Modules of white border on each side (the standard's quiet zone).
    static constexpr int kQuietModules = 4;

    /// An empty code (paints nothing until setText()).
    explicit QrCodeWidget(QWidget* parent = nullptr);

    /// Encodes `text` (UTF-8 bytes, error correction level M); an empty text clears the code.
    /// Returns false (and shows nothing) when libqrencode cannot encode it.
    bool setText(const QString& text);
    /// The encoded text.
    QString text() const { return m_text; }
    /// The QR version libqrencode chose (1..40), 0 when empty.
    int version() const { return m_version; }
    /// Modules per side without the quiet zone (17 + 4 x version), 0 when empty.
    int moduleCount() const { return m_modules; }
    /// True when module (`x`, `y`) is dark (0-based, without the quiet zone).
    bool isDark(int x, int y) const;
    /// Pixels per module at the current size (0 when empty or too small to paint).
    int modulePixels() const;
    /// Where module (`x`, `y`) is painted, in widget coordinates.
    QRect moduleRect(int x, int y) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    /// Top-left corner of the quiet zone, in widget coordinates.
    QPoint origin() const;

    QString m_text;
    int m_version = 0;
    int m_modules = 0;
    std::vector<bool> m_dark; ///< row by row, m_modules x m_modules
};

} // namespace lblab::ui
