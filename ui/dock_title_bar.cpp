#include "ui/dock_title_bar.h"

#include "ui/font_scale.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolButton>

namespace lblab::ui {

DockTitleBar::DockTitleBar(const QString& title, const QString& shortcutText, QWidget* parent)
    : QWidget(parent), m_shortcutText(shortcutText)
{
    m_heading = new QLabel(title, this);
    FontScale::setRelative(m_heading, 1.2, true);
    m_enlarge = new QToolButton(this);
    m_enlarge->setAutoRaise(true);
    m_enlarge->setFocusPolicy(Qt::NoFocus); // Space must stay the run's key
    connect(m_enlarge, &QToolButton::clicked, this, &DockTitleBar::enlargeToggled);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 2, 0);
    layout->addWidget(m_heading, 1);
    layout->addWidget(m_enlarge);
    setEnlarged(false);
}

QString DockTitleBar::title() const { return m_heading->text(); }

void DockTitleBar::setEnlarged(bool enlarged)
{
    m_enlarge->setText(enlarged ? QStringLiteral("⤡") : QStringLiteral("⤢"));
    m_enlarge->setToolTip(enlarged ? tr("Bring the other panels back (%1 or Esc)").arg(m_shortcutText)
                                   : tr("Enlarge this panel to fill the window (%1)").arg(m_shortcutText));
}

void DockTitleBar::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        emit enlargeToggled();
        event->accept();
        return;
    }
    event->ignore(); // the dock handles the rest (dragging)
}

} // namespace lblab::ui
