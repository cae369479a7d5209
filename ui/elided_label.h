#pragma once

#include <QLabel>

namespace lblab::ui {

/// A one-line label that elides its text to the width it gets instead of clipping it or pushing its
/// neighbours away; set the full text as its tooltip where it matters.
class ElidedLabel : public QLabel {
public:
    /// `fill`: takes the space left over in its row; else as wide as its text when there is room.
    explicit ElidedLabel(QWidget* parent, bool fill = true);
    /// It can shrink to nothing.
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace lblab::ui
