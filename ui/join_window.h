#pragma once

#include "core/lab/join_notice.h"

#include <QWidget>

class QLabel;

namespace lblab::ui {

class QrCodeWidget;

/// The window a teacher puts on the projector when devices may join: the warning, the join URL in
/// large type and as a QR code, and what a phone that opens it will see. It follows the font scale
/// and grows with its window (the code scales in whole pixels per module).
class JoinWindow : public QWidget {
    Q_OBJECT
public:
    /// An empty window (a top-level one when `parent` is a window: it stays above it, with its own frame).
    explicit JoinWindow(QWidget* parent = nullptr);

    /// Shows `notice`: open (warning, URL, code) or not (the loopback URL, and how to open the lab).
    void showNotice(const lblab::JoinNotice& notice);
    /// The URL shown in large type.
    QString urlText() const;
    /// The warning shown ("" when the lab is not open to the network).
    QString warningText() const;
    /// The QR code (of urlText() when the lab is open, else empty).
    QrCodeWidget* qrCode() const { return m_code; }

protected:
    /// Opens at 720x860, or the room its screen has (ScreenFit).
    void showEvent(QShowEvent* event) override;

private:
    QLabel* m_warning;
    QLabel* m_url;
    QrCodeWidget* m_code;
    QLabel* m_hint;
};

} // namespace lblab::ui
