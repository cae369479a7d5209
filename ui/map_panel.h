#pragma once

#include "core/lab/snapshot.h"

#include <QWidget>

#include <memory>

class QStackedWidget;
class QToolButton;

namespace lblab::ui {

class AssignmentMap;
class FlowView;
class StepBanner;

/// The window's centre: the tile map or the flow view (two buttons above them, or F), with step
/// mode's large caption below either. Every snapshot reaches both views; only the one shown draws.
class MapPanel : public QWidget {
    Q_OBJECT
public:
    /// A panel around `map` (the window keeps using it directly), showing the map.
    explicit MapPanel(AssignmentMap* map, QWidget* parent = nullptr);

    /// True while the flow view is shown.
    bool showsFlow() const;
    /// The views and the caption, for tests and the window.
    AssignmentMap* map() const { return m_map; }
    FlowView* flow() const { return m_flow; }
    StepBanner* stepBanner() const { return m_banner; }
    QToolButton* mapButton() const { return m_mapButton; }
    QToolButton* flowButton() const { return m_flowButton; }

public slots:
    /// Shows the flow view (true) or the map.
    void setFlowShown(bool flow);
    /// Shows the flow view.
    void showFlow() { setFlowShown(true); }
    /// Hands a snapshot to the map, the flow view and the step caption.
    void showSnapshot(std::shared_ptr<const lblab::Snapshot> snapshot);

private:
    AssignmentMap* m_map;
    FlowView* m_flow;
    StepBanner* m_banner;
    QStackedWidget* m_stack;
    QToolButton* m_mapButton;
    QToolButton* m_flowButton;
};

} // namespace lblab::ui
