#include "ui/panel_zoom.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace lblab::ui {

namespace {
constexpr int kZoomStateVersion = 0x200; // any value; only this class reads what it saved
} // namespace

PanelZoom::PanelZoom(QMainWindow* window, QStackedWidget* centre, QDockWidget* keep)
    : QObject(window), m_window(window), m_centre(centre), m_keep(keep)
{
    m_host = new QWidget(centre);
    auto* layout = new QVBoxLayout(m_host);
    layout->setContentsMargins(0, 0, 0, 0);
    centre->addWidget(m_host);
}

void PanelZoom::addDock(QDockWidget* dock) { m_docks << dock; }

void PanelZoom::toggle(int ordinal)
{
    if (ordinal < 0 || ordinal > m_docks.size())
        return;
    if (m_enlarged == ordinal) {
        restore();
        return;
    }
    restore();
    enlarge(ordinal);
}

void PanelZoom::toggleDock(QDockWidget* dock)
{
    const int index = static_cast<int>(m_docks.indexOf(dock));
    if (index >= 0)
        toggle(index + 1);
}

void PanelZoom::enlarge(int ordinal)
{
    m_state = m_window->saveState(kZoomStateVersion);
    for (QDockWidget* d : m_window->findChildren<QDockWidget*>())
        if (d != m_keep)
            d->hide();
    if (ordinal > 0) {
        // The content moves into the centre; its dock keeps an empty place until it comes back.
        QDockWidget* dock = m_docks[ordinal - 1];
        QWidget* content = dock->widget();
        m_host->layout()->addWidget(content);
        content->show();
        m_centre->setCurrentWidget(m_host);
    }
    m_enlarged = ordinal;
    emit changed(ordinal);
}

bool PanelZoom::restore()
{
    if (m_enlarged < 0)
        return false;
    if (m_enlarged > 0) {
        QDockWidget* dock = m_docks[m_enlarged - 1];
        QWidget* content = m_host->layout()->itemAt(0) ? m_host->layout()->itemAt(0)->widget() : nullptr;
        if (content) {
            m_host->layout()->removeWidget(content);
            dock->setWidget(content);
        }
    }
    m_centre->setCurrentIndex(0);
    m_window->restoreState(m_state, kZoomStateVersion);
    m_enlarged = -1;
    emit changed(-1);
    return true;
}

} // namespace lblab::ui

