#include "ui/map_panel.h"

#include "ui/assignment_map.h"
#include "ui/flow_view.h"
#include "ui/shortcut_catalog.h"
#include "ui/step_banner.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QShortcut>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace lblab::ui {

MapPanel::MapPanel(AssignmentMap* map, QWidget* parent)
    : QWidget(parent), m_map(map), m_flow(new FlowView(this)), m_banner(new StepBanner(this)),
      m_stack(new QStackedWidget(this))
{
    m_stack->addWidget(m_map);
    m_stack->addWidget(m_flow);
    const QString key = ShortcutCatalog::flowView().toString(QKeySequence::NativeText);
    m_mapButton = new QToolButton(this);
    m_mapButton->setText(tr("Map"));
    m_mapButton->setToolTip(tr("Every client as a tile, coloured by its server (%1 switches)").arg(key));
    m_flowButton = new QToolButton(this);
    m_flowButton->setText(tr("Flow"));
    m_flowButton->setToolTip(tr("Requests as they travel: client, balancer, server and back (%1 switches)").arg(key));
    auto* group = new QButtonGroup(this);
    for (QToolButton* b : {m_mapButton, m_flowButton}) {
        b->setCheckable(true);
        b->setAutoRaise(false);
        group->addButton(b);
    }
    m_mapButton->setChecked(true);
    auto* hint = new QLabel(tr("%1: map or flow").arg(key), this);
    hint->setEnabled(false); // a quiet hint

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 2, 6, 0);
    bar->setSpacing(0);
    bar->addWidget(m_mapButton);
    bar->addWidget(m_flowButton);
    bar->addSpacing(10);
    bar->addWidget(hint);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_banner);

    connect(m_flowButton, &QToolButton::toggled, this, &MapPanel::setFlowShown);
    auto* toggle = new QShortcut(ShortcutCatalog::flowView(), this);
    toggle->setContext(Qt::WindowShortcut);
    connect(toggle, &QShortcut::activated, this, [this] { setFlowShown(!showsFlow()); });
}

bool MapPanel::showsFlow() const { return m_stack->currentWidget() == m_flow; }

void MapPanel::setFlowShown(bool flow)
{
    m_stack->setCurrentWidget(flow ? static_cast<QWidget*>(m_flow) : m_map);
    (flow ? m_flowButton : m_mapButton)->setChecked(true);
}

void MapPanel::showSnapshot(std::shared_ptr<const Snapshot> snapshot)
{
    if (!snapshot)
        return;
    m_banner->showSnapshot(*snapshot);
    m_flow->showSnapshot(snapshot);
    m_map->showSharedSnapshot(std::move(snapshot));
}

} // namespace lblab::ui
