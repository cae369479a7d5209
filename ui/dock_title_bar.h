#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QToolButton;

namespace lblab::ui {

/// A dock's title: a large heading that reads on a projector (it is also the handle to drag the dock
/// by) and a button that enlarges the panel to fill the window; double-clicking the title does too.
class DockTitleBar : public QWidget {
    Q_OBJECT
public:
    /// A title bar showing `title`; `shortcutText` ("Alt+2") goes into the button's tooltip.
    DockTitleBar(const QString& title, const QString& shortcutText, QWidget* parent = nullptr);

    /// The heading's text.
    QString title() const;
    /// The enlarge / bring-back button.
    QToolButton* enlargeButton() const { return m_enlarge; }
    /// Shows whether the panel is the enlarged one (the button then brings the others back).
    void setEnlarged(bool enlarged);

signals:
    /// The user asked to enlarge the panel, or to bring the others back.
    void enlargeToggled();

protected:
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    QLabel* m_heading;
    QToolButton* m_enlarge;
    QString m_shortcutText;
};

} // namespace lblab::ui
